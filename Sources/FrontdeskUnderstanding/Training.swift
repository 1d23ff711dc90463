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

    public init() {}

    /// A text that changes whenever the trained model would change.
    public var fingerprint: String {
        "f=\(features.charGrams.lowerBound)-\(features.charGrams.upperBound),\(features.charWeight),\(features.wordBigrams);"
            + "e=\(epochs);lr=\(learningRate);l2=\(l2);mdf=\(minCharDocumentFrequency);seed=\(seed)"
    }
}

extension IntentModel {
    /// Trains a model on `(text, intent)` examples of one language.
    public static func train(
        examples: [(text: String, intent: IntentName)], language: LanguageCode, options: TrainingOptions = TrainingOptions()
    ) -> IntentModel {
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
        for (hash, entry) in documentFrequency.sorted(by: { $0.key < $1.key })
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

        // 3. Multinomial logistic regression by SGD with a linearly decaying step, and L2
        // weight decay applied lazily through a global scale factor.
        var weights = [Float](repeating: 0, count: rowsCount * k)
        var bias = [Float](repeating: 0, count: k)
        if k > 1, !examples.isEmpty {
            var rng = SplitMix64(seed: options.seed)
            var order = Array(examples.indices)
            let epochs = max(1, options.epochs)
            let totalSteps = Float(epochs * examples.count)
            var step: Float = 0
            var scale: Float = 1
            var scores = [Float](repeating: 0, count: k)
            var activeClasses = [Int32](repeating: 0, count: k)
            weights.withUnsafeMutableBufferPointer { w in
                bias.withUnsafeMutableBufferPointer { b in
                    scores.withUnsafeMutableBufferPointer { s in
                      activeClasses.withUnsafeMutableBufferPointer { a in
                        for _ in 0..<epochs {
                            order.shuffle(using: &rng)
                            for i in order {
                                let lr = options.learningRate * max(0.02, 1 - step / totalSteps)
                                step += 1
                                let start = rowStart[i], end = rowStart[i + 1]
                                // Forward.
                                for c in 0..<k { s[c] = b[c] }
                                for j in start..<end {
                                    VectorMath.axpy(values[j] * scale, w.baseAddress! + Int(columns[j]) * k, s.baseAddress!, k)
                                }
                                var maximum = s[0]
                                for c in 1..<k where s[c] > maximum { maximum = s[c] }
                                var sum: Float = 0
                                for c in 0..<k {
                                    s[c] = exp(s[c] - maximum)
                                    sum += s[c]
                                }
                                let label = labels[i]
                                for c in 0..<k { s[c] /= sum }
                                s[label] -= 1  // s is now the gradient of the loss w.r.t. the scores
                                // Backward, with weight decay through `scale`.
                                scale *= (1 - lr * options.l2)
                                let factor = lr / scale
                                // Classes whose gradient is negligible are skipped: late in
                                // training that is most of them.
                                var activeCount = 0
                                for c in 0..<k where abs(s[c]) > 1e-5 {
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
                                for c in 0..<k { b[c] -= lr * s[c] }
                                if scale < 1e-4 {
                                    for idx in 0..<w.count { w[idx] *= scale }
                                    scale = 1
                                }
                            }
                        }
                        for idx in 0..<w.count { w[idx] *= scale }
                      }
                    }
                }
            }
        }
        return IntentModel(
            language: language, classes: classes, spec: spec, index: lookup, idf: idf, groups: groups,
            weights: weights, bias: bias, analyzer: analyzer)
    }
}

enum VectorMath {
    /// `y[0..<n] += a * x[0..<n]`, eight lanes at a time.
    @inline(__always)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let va = SIMD8<Float>(repeating: a)
        var i = 0
        while i + 8 <= n {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: yv + va * xv, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n {
            y[i] += a * x[i]
            i += 1
        }
    }
}
