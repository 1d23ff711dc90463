import FrontdeskCore
import FrontdeskUnderstanding

/// Words that say nothing about which article is meant ("how", "do", "I", "wie", "ich"):
/// dropped from knowledge queries. Folded the way `Normalizer` folds text.
enum Stopwords {
    static func contains(_ folded: String, language: LanguageCode) -> Bool {
        switch language {
        case .german: return german.contains(folded)
        case .english: return english.contains(folded)
        default: return english.contains(folded) || german.contains(folded)
        }
    }

    static let english: Set<String> = Set("""
        a about above after again against all am an and any are aren arent as at be because been before being below between both \
        but by can cant cannot could couldnt did didnt do does doesnt doing dont down during each few for from further had hadnt has \
        hasnt have havent having he hed hell hes her here heres hers herself him himself his how hows i id ill im ive if in into is \
        isnt it its itself lets me more most mustnt my myself no nor not of off on once only or other ought our ours ourselves out \
        over own same shant she shed shell shes should shouldnt so some such than that thats the their theirs them themselves then \
        there theres these they theyd theyll theyre theyve this those through to too under until up very was wasnt we wed well were \
        weve werent what whats when whens where wheres which while who whos whom why whys with wont would wouldnt you youd youll \
        youre youve your yours yourself yourselves please hi hello hey thanks thank want wanna need would like get got also just \
        really anyone someone something way ok okay yes yeah
        """.split(whereSeparator: { $0 == " " || $0.isNewline }).map(String.init))

    static let german: Set<String> = Set("""
        aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anderm andern anderr anders auch \
        auf aus bei bin bis bist da damit dann der den des dem die das dass derselbe derselben denselben desselben demselben dieselbe \
        dieselben dasselbe dazu dein deine deinem deinen deiner deines denn derer dessen dich dir du dies diese diesem diesen dieser \
        dieses doch dort durch ein eine einem einen einer eines einig einige einigem einigen einiger einiges einmal er ihn ihm es etwas \
        euer eure eurem euren eurer eures fuer gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich mich mir ihr ihre ihrem \
        ihren ihrer ihres euch im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine keinem \
        keinen keiner keines koennen koennte machen man manche manchem manchen mancher manches mein meine meinem meinen meiner meines \
        mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie ihnen \
        sind so solche solchem solchen solcher solches soll sollte sondern sonst ueber um und uns unsere unserem unseren unser unseres \
        unter viel vom von vor waehrend war waren warst was weg weil weiter welche welchem welchen welcher welches wenn werde werden \
        wie wieder will wir wird wirst wo wollen wollte wuerde wuerden zu zum zur zwar zwischen bitte hallo danke moechte moechten \
        gerne gern wieso warum weshalb wann wer wen wem geht gibt kannst koennen koennten mal ja nein okay ok
        """.split(whereSeparator: { $0 == " " || $0.isNewline }).map(String.init))
}
