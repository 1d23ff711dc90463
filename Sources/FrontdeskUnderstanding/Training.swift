import Foundation
import FrontdeskCore

/// How a model is trained. Part of the model-cache key.
public struct TrainingOptions: Sendable, Hashable {
    public var features = FeatureSpec()
    public var epochs = 12
    public var learningRate: Float = 2.0
    /// L2 regularisation strength per example.
    public var l2: Float = 2e-6
    /// Character n-grams seen in fewer training examples than this are dropped.
    public var minCharDocumentFrequency = 1
    public var seed: UInt64 = 42
    /// Weight of a second, one-vs-rest squared-hinge model (a linear SVM) added to the
    /// logistic regression's scores; 0 trains none.
    public var hingeWeight: Float = 0
    /// Weight of the logistic regression's scores; 0 trains none (only the hinge model).
    public var logisticWeight: Float = 1
    public var hingeL2: Float = 1e-5
    public var hingeLearningRate: Float = 0.5
    /// Weight of the dense block: the message's sentence vector from the static token
    /// embeddings (`EmbeddingTable.shared`), appended to the unit-length sparse vector.
    /// 0 (or no table) trains without it. With SGD and multiplicative weight decay the
    /// weight acts as the dense block's step size: its square scales the block's learning rate.
    public var embeddingWeight: Float = 0
    /// Small training sets get more epochs: enough for at least this many SGD steps in all,
    /// but no more than `maximumEpochs` (and never fewer than `epochs`). 0: always `epochs`.
    public var minimumSteps = 0
    public var maximumEpochs = 30
    /// A class whose gradient for an example is at most this (in absolute value) is not
    /// updated for it: late in training that is most classes.
    public var gradientFloor = TrainingOptions.defaultGradientFloor
    public static let defaultGradientFloor: Float = 1e-5
    /// Each intent's name, read as words ("card_arrival": "card arrival"), is one more training
    /// example of it (not the out-of-scope intent's). Datasets name intents after what they
    /// mean, and with few examples per intent the name is a good one: on CLINC150 and
    /// Banking77 with 10 examples per intent it adds 0.6 and 2 points (docs/benchmarks.md).
    /// Off by default, as in a bot (`intent_model.names_as_examples`); `frontdesk import` turns it on.
    public var namesAsExamples = false

    public init() {}

    /// The options of a model of `language` trained on `examples` examples, as `frontdesk
    /// import` sets the bot up (`IntentModelSettings.imported`).
    public static func recommended(for language: LanguageCode, examples: Int) -> TrainingOptions {
        bot(language: language, settings: .imported(language: language, examples: examples))
    }

    /// The options of a bot's model of `language` with the bot's `intent_model` settings: the
    /// dense block when they say so and the model is English (the table is English), the
    /// intents' names as examples when they say so.
    public static func bot(language: LanguageCode, settings: IntentModelSettings) -> TrainingOptions {
        var options = settings.embeddings && language == .english ? TrainingOptions().withEmbeddings() : TrainingOptions()
        options.namesAsExamples = settings.namesAsExamples
        return options
    }

    /// The epochs to train `count` examples for.
    public func epochs(forExamples count: Int) -> Int {
        guard minimumSteps > 0, count > 0 else { return epochs }
        return max(epochs, min(maximumEpochs, (minimumSteps + count - 1) / count))
    }

    /// These options with the dense block on, as measured on the benchmarks (English;
    /// docs/benchmarks.md): embedding weight 1.41 and, with it, L2 1e-5, 10 epochs but at least
    /// 30,000 SGD steps (up to 30 epochs for small training sets), and a gradient floor of 5e-4.
    /// The dense block makes every step and every class update costly: the floor trains in 60 %
    /// of the time at the same accuracy, 10 epochs instead of 12 in 83 % for 0.1 point less.
    public func withEmbeddings() -> TrainingOptions {
        var options = self
        options.embeddingWeight = 1.41
        options.epochs = 10
        options.l2 = 1e-5
        options.minimumSteps = 30_000
        options.gradientFloor = 5e-4
        return options
    }

    /// A text that changes whenever the trained model would change.
    public var fingerprint: String {
        "f=\(features.charGrams.lowerBound)-\(features.charGrams.upperBound),\(features.charWeight),\(features.wordBigrams);"
            + "e=\(epochs);lr=\(learningRate);l2=\(l2);mdf=\(minCharDocumentFrequency);seed=\(seed)"
            + (minimumSteps > 0 ? ";steps=\(minimumSteps),\(maximumEpochs)" : "")
            + (gradientFloor != Self.defaultGradientFloor ? ";floor=\(gradientFloor)" : "")
            + (features.charAcrossWords ? ";across" : "")
            + (namesAsExamples ? ";names" : "")
            + (logisticWeight != 1 ? ";logistic=\(logisticWeight)" : "") + (hingeWeight > 0 ? ";hinge=\(hingeWeight),\(hingeL2),\(hingeLearningRate)" : "")
            + (embeddingWeight > 0 ? ";emb=\(embeddingWeight)@\(EmbeddingTable.shared.map { String($0.identity, radix: 16) } ?? "none")" : "")
    }
}

extension IntentModel {
    /// Trains a model on `(text, intent)` examples of one language. `outOfScope` names the
    /// intent of out-of-scope examples, if not `IntentName.outOfScope` (its name is no example).
    public static func train(
        examples: [(text: String, intent: IntentName)], language: LanguageCode, options: TrainingOptions = TrainingOptions(),
        outOfScope: IntentName? = nil
    ) -> IntentModel {
        train(examples: examples, language: language, options: options,
              embeddings: options.embeddingWeight > 0 ? EmbeddingTable.shared : nil, outOfScope: outOfScope)
    }

    /// The examples a model is trained on: `examples`, then (with `namesAsExamples`) each
    /// intent's name as words, in name order, except the out-of-scope intent's and names
    /// without letters or digits.
    static func trainingExamples(
        _ examples: [(text: String, intent: IntentName)], options: TrainingOptions, outOfScope: IntentName?
    ) -> [(text: String, intent: IntentName)] {
        guard options.namesAsExamples else { return examples }
        var result = examples
        for name in Set(examples.map(\.intent)).sorted() where name != .outOfScope && name != outOfScope {
            let words = name.words
            if !words.isEmpty { result.append((words, name)) }
        }
        return result
    }

    /// Trains with `embeddings` as the table of the dense block (used when the options'
    /// `embeddingWeight` is above 0).
    static func train(
        examples given: [(text: String, intent: IntentName)], language: LanguageCode, options: TrainingOptions, embeddings table: EmbeddingTable?,
        outOfScope: IntentName? = nil
    ) -> IntentModel {
        let examples = trainingExamples(given, options: options, outOfScope: outOfScope)
        let analyzer = Analyzer(language: language)
        let spec = options.features
        let classes = Array(Set(examples.map(\.intent))).sorted()
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let k = classes.count

        // 1. Raw features and document frequencies.
        let raw = examples.map { spec.extract(analyzer.analyze($0.text)) }
        var documentFrequency: [UInt64: (df: Int, group: FeatureSpec.Group)] = [:]
        for features in raw {
            for feature in features {
                documentFrequency[feature.hash, default: (0, feature.group)].df += 1
            }
        }
        var index: [UInt64: Int32] = [:]
        var idf: [Float] = []
        var groups: [UInt8] = []
        let n = Float(examples.count)
        // Frequent features first: the rows SGD touches most are close together in memory
        // (most steps' rows then come from the cache, not from main memory).
        for (hash, entry) in documentFrequency.sorted(by: { $0.value.df != $1.value.df ? $0.value.df > $1.value.df : $0.key < $1.key })
        where entry.group == .word || entry.df >= options.minCharDocumentFrequency {
            index[hash] = Int32(idf.count)
            idf.append(log((1 + n) / (1 + Float(entry.df))) + 1)
            groups.append(entry.group.rawValue)
        }
        let rowsCount = idf.count
        let lookup = FeatureIndex(index)

        // 2. Normalised sparse design matrix (CSR).
        var rowStart: [Int] = [0]
        var columns: [Int32] = []
        var values: [Float] = []
        for features in raw {
            let (r, v) = FeatureMath.weightedVector(features, index: lookup, idf: idf, groups: groups, charWeight: spec.charWeight)
            columns += r
            values += v
            rowStart.append(columns.count)
        }
        let labels = examples.map { classIndex[$0.intent]! }

        // The dense block: each example's sentence vector times the weight, row-major.
        let embeddings = options.embeddingWeight > 0 ? table : nil
        let denseDims = embeddings?.dims ?? 0
        var dense: [Float] = []
        if let embeddings {
            dense.reserveCapacity(examples.count * denseDims)
            for example in examples {
                for x in embeddings.sentenceVector(example.text) { dense.append(options.embeddingWeight * x) }
            }
        }

        // 3. Multinomial logistic regression, optionally plus a linear SVM.
        let design = Design(rowStart: rowStart, columns: columns, values: values, dense: dense, denseDims: denseDims,
                            labels: labels, features: rowsCount, classes: k)
        var weights = [Float](repeating: 0, count: (rowsCount + denseDims) * k), bias = [Float](repeating: 0, count: k)
        if options.logisticWeight > 0 {
            (weights, bias) = sgd(design, loss: .softmax, learningRate: options.learningRate, l2: options.l2,
                                  epochs: options.epochs(forExamples: examples.count), seed: options.seed,
                                  gradientFloor: options.gradientFloor)
            if options.logisticWeight != 1 {
                for i in weights.indices { weights[i] *= options.logisticWeight }
                for i in bias.indices { bias[i] *= options.logisticWeight }
            }
        }
        if options.hingeWeight > 0 {
            let (w2, b2) = sgd(design, loss: .squaredHinge, learningRate: options.hingeLearningRate, l2: options.hingeL2,
                               epochs: options.epochs(forExamples: examples.count), seed: options.seed &+ 1,
                               gradientFloor: options.gradientFloor)
            for i in weights.indices { weights[i] += options.hingeWeight * w2[i] }
            for i in bias.indices { bias[i] += options.hingeWeight * b2[i] }
        }
        return IntentModel(
            language: language, classes: classes, spec: spec, index: lookup, idf: idf, groups: groups,
            weights: weights, bias: bias, analyzer: analyzer,
            embeddings: embeddings, embeddingWeight: embeddings == nil ? 0 : options.embeddingWeight)
    }
}

/// A normalised sparse design matrix (CSR) with its labels, and optionally a dense block
/// (`denseDims` values per example, row-major). The weights are the sparse rows' (row-major,
/// `features × classes`), then the dense block's, class-major (`classes × denseDims`).
struct Design {
    let rowStart: [Int]
    let columns: [Int32]
    let values: [Float]
    let dense: [Float]
    let denseDims: Int
    let labels: [Int]
    let features: Int
    let classes: Int
}

enum Loss { case softmax, squaredHinge }

/// Trains a linear model (row-major weights, bias) by SGD with a linearly decaying step and
/// L2 weight decay applied lazily through a global scale factor.
func sgd(
    _ d: Design, loss: Loss, learningRate: Float, l2: Float, epochs: Int, seed: UInt64, gradientFloor: Float
) -> (weights: [Float], bias: [Float]) {
    // 3. Multinomial logistic regression by SGD with a linearly decaying step, and L2
    // weight decay applied lazily through a global scale factor.
    let k = d.classes, rowStart = d.rowStart, labels = d.labels
    let denseDims = d.denseDims, denseBase = d.features * k
    precondition(d.dense.count == labels.count * denseDims)
    var weights = [Float](repeating: 0, count: (d.features + denseDims) * k)
    var bias = [Float](repeating: 0, count: k)
    if k > 1, !labels.isEmpty {
        var rng = SplitMix64(seed: seed)
        let epochs = max(1, epochs)
        // The examples in the order SGD visits them: shuffled anew each epoch.
        var sequence: [Int32] = []
        sequence.reserveCapacity(epochs * labels.count)
        var order = Array(labels.indices)
        for _ in 0..<epochs {
            order.shuffle(using: &rng)
            sequence += order.map { Int32($0) }
        }
        let totalSteps = Float(sequence.count)
        var step: Float = 0
        var scale: Float = 1
        var scores = [Float](repeating: 0, count: k)
        var activeClasses = [Int32](repeating: 0, count: k)
        // The dense block's raw dot products with the next example, computed while its
        // weights are updated for the current one (one pass over them per step, not two).
        var denseDots = [Float](repeating: 0, count: k)
        var denseDotsReady = false
        d.columns.withUnsafeBufferPointer { columns in
        d.values.withUnsafeBufferPointer { values in
        d.dense.withUnsafeBufferPointer { denseValues in
        weights.withUnsafeMutableBufferPointer { w in
            bias.withUnsafeMutableBufferPointer { b in
                scores.withUnsafeMutableBufferPointer { s in
                  activeClasses.withUnsafeMutableBufferPointer { a in
                  denseDots.withUnsafeMutableBufferPointer { dots in
                    for t in sequence.indices {
                        let i = Int(sequence[t])
                        let lr = learningRate * max(0.02, 1 - step / totalSteps)
                        step += 1
                        let start = rowStart[i], end = rowStart[i + 1]
                        // Forward.
                        for c in 0..<k { s[c] = b[c] }
                        VectorMath.gatherAxpy(scale, values: values.baseAddress! + start, rows: columns.baseAddress! + start, count: end - start,
                                              weights: w.baseAddress!, width: k, into: s.baseAddress!)
                        // The dense block's weights are class-major: a dot product per class.
                        let x = denseValues.baseAddress.map { $0 + i * denseDims }
                        if denseDims > 0 {
                            if !denseDotsReady {
                                for c in 0..<k { dots[c] = VectorMath.dot(x!, w.baseAddress! + denseBase + c * denseDims, denseDims) }
                            }
                            for c in 0..<k { s[c] += scale * dots[c] }
                        }
                        let label = labels[i]
                        switch loss {
                        case .softmax:
                            var maximum = s[0]
                            for c in 1..<k where s[c] > maximum { maximum = s[c] }
                            var sum: Float = 0
                            for c in 0..<k {
                                s[c] = exp(s[c] - maximum)
                                sum += s[c]
                            }
                            for c in 0..<k { s[c] /= sum }
                            s[label] -= 1  // s is now the gradient of the loss w.r.t. the scores
                        case .squaredHinge:
                            for c in 0..<k {
                                let y: Float = c == label ? 1 : -1
                                let margin = 1 - y * s[c]
                                s[c] = margin > 0 ? -2 * margin * y : 0
                            }
                        }
                        // Backward, with weight decay through `scale`.
                        scale *= (1 - lr * l2)
                        let factor = lr / scale
                        // Classes whose gradient is negligible are skipped: late in
                        // training that is most of them.
                        var activeCount = 0
                        for c in 0..<k where abs(s[c]) > gradientFloor {
                            a[activeCount] = Int32(c)
                            activeCount += 1
                        }
                        for j in start..<end {
                            let base = Int(columns[j]) * k
                            let v = values[j] * factor
                            if activeCount * 2 > k {
                                VectorMath.axpy(-v, s.baseAddress!, w.baseAddress! + base, k)
                            } else {
                                for i in 0..<activeCount {
                                    let c = Int(a[i])
                                    w[base + c] -= v * s[c]
                                }
                            }
                        }
                        if denseDims > 0 {
                            // Updated classes: all of them, or only the active ones; each
                            // class's weights are then dotted with the next example.
                            let all = activeCount * 2 > k
                            let next = t + 1 < sequence.count ? x! + (Int(sequence[t + 1]) - i) * denseDims : nil
                            var p = 0
                            for c in 0..<k {
                                let row = w.baseAddress! + denseBase + c * denseDims
                                var update = all
                                if !all, p < activeCount, Int(a[p]) == c {
                                    update = true
                                    p += 1
                                }
                                if let next {
                                    dots[c] = update ? VectorMath.axpyDot(-factor * s[c], x!, row, next, denseDims)
                                                     : VectorMath.dot(next, row, denseDims)
                                } else if update {
                                    VectorMath.axpy(-factor * s[c], x!, row, denseDims)
                                }
                            }
                            denseDotsReady = next != nil
                        }
                        for c in 0..<k { b[c] -= lr * s[c] }
                        if scale < 1e-4 {
                            for idx in 0..<w.count { w[idx] *= scale }
                            scale = 1
                            denseDotsReady = false
                        }
                    }
                    for idx in 0..<w.count { w[idx] *= scale }
                  }
                  }
                }
            }
        }
        }
        }
        }
    }
    return (weights, bias)
}
