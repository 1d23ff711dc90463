// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Frontdesk",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "frontdesk", targets: ["frontdesk"]),
        .library(name: "FrontdeskEngine", targets: ["FrontdeskEngine"]),
        .library(name: "FrontdeskAdapter", targets: ["FrontdeskAdapter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // System libraries (module maps only; the `link` line is enough).
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),

        // Value types shared by every target; no dependencies.
        .target(name: "FrontdeskCore"),
        // Reading a bot folder: YAML, versions, diagnostics.
        .target(name: "FrontdeskBotFormat", dependencies: [
            "FrontdeskCore",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Normalisation, stemming, language detection, features, classifier.
        // Embeddings/ holds the optional static token embeddings (scripts/embeddings/build_table.py).
        // The float kernels of training and scoring are Swift SIMD4 (VectorMath.swift).
        .target(name: "FrontdeskUnderstanding", dependencies: ["FrontdeskCore", "CStemmer"], resources: [.copy("Embeddings")]),
        // The pure dialogue transition.
        .target(name: "FrontdeskDialogue", dependencies: ["FrontdeskCore"]),
        // The SQLite file: migrations, model cache.
        .target(name: "FrontdeskStore", dependencies: [
            "FrontdeskCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Help articles: import, FTS5 retrieval and re-ranking, passage selection.
        .target(name: "FrontdeskKnowledge", dependencies: [
            "FrontdeskCore", "FrontdeskBotFormat", "FrontdeskUnderstanding", "FrontdeskStore",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Trust and safety: moderation, sentiment and frustration, personal data, "are you a bot?".
        // Word and phrase lists are data files (Resources/).
        .target(name: "FrontdeskSafety", dependencies: ["FrontdeskCore"], resources: [.copy("Resources")]),
        // The façade wiring the above for one message; reply rendering.
        .target(name: "FrontdeskEngine", dependencies: [
            "FrontdeskCore", "FrontdeskBotFormat", "FrontdeskUnderstanding",
            "FrontdeskDialogue", "FrontdeskStore", "FrontdeskKnowledge", "FrontdeskSafety",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Conversations kept in the store, and the JSON-lines protocol (no I/O: lines in, lines out).
        .target(name: "FrontdeskAdapter", dependencies: [
            "FrontdeskCore", "FrontdeskDialogue", "FrontdeskEngine", "FrontdeskStore", "FrontdeskSafety",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // What the store says about the conversations: the trainers' inbox, the report (text and HTML).
        .target(name: "FrontdeskInsights", dependencies: ["FrontdeskCore", "FrontdeskStore", "FrontdeskUnderstanding",
                                                          .product(name: "GRDB", package: "GRDB.swift")]),
        // Conversation tests (transcripts), their runner and JUnit output; bot validation.
        .target(name: "FrontdeskTesting", dependencies: ["FrontdeskCore", "FrontdeskEngine", "FrontdeskUnderstanding", "FrontdeskDialogue", "FrontdeskSafety"]),
        // The only target that touches the terminal and stdin/stdout.
        .executableTarget(name: "frontdesk", dependencies: [
            "FrontdeskEngine", "FrontdeskBotFormat", "FrontdeskUnderstanding", "FrontdeskTesting", "FrontdeskAdapter", "FrontdeskKnowledge",
            "FrontdeskStore", "FrontdeskSafety", "FrontdeskInsights", "CReadline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .testTarget(name: "FrontdeskUnderstandingTests", dependencies: ["FrontdeskUnderstanding"]),
        .testTarget(name: "FrontdeskBotFormatTests", dependencies: ["FrontdeskBotFormat"], exclude: ["Fixtures"]),
        .testTarget(name: "FrontdeskDialogueTests", dependencies: ["FrontdeskDialogue"]),
        .testTarget(name: "FrontdeskKnowledgeTests", dependencies: ["FrontdeskKnowledge", "FrontdeskStore", "FrontdeskCore"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "FrontdeskSafetyTests", dependencies: ["FrontdeskSafety", "FrontdeskCore"]),
        .testTarget(name: "FrontdeskInsightsTests", dependencies: ["FrontdeskInsights", "FrontdeskStore", "FrontdeskCore"]),
        .testTarget(name: "FrontdeskEngineTests", dependencies: ["FrontdeskEngine", "FrontdeskUnderstanding", "FrontdeskSafety"]),
        .testTarget(name: "FrontdeskTestingTests", dependencies: ["FrontdeskTesting", "FrontdeskKnowledge", "FrontdeskUnderstanding"]),
        .testTarget(name: "FrontdeskAdapterTests", dependencies: [
            "FrontdeskAdapter", "FrontdeskStore", "FrontdeskEngine", "FrontdeskCore", "FrontdeskDialogue", "FrontdeskSafety",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
        ], exclude: ["Fixtures"]),
        // End-to-end: runs the built `frontdesk` executable (fixtures are read from the source tree).
        .testTarget(name: "FrontdeskCLITests", dependencies: [], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
