/// A Windows `POOL_TYPE`. In user space the pool type only has to be valid: every pool is the
/// process heap, and allocations are accounted to their ``PoolTag``.
public struct PoolType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The Windows `POOL_TYPE` value.
    public let rawValue: Int32
    /// Any value; ``isValid`` tells whether Allocate accepts it.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `NonPagedPool`.
    public static let nonPaged = PoolType(rawValue: 0)
    /// `PagedPool`.
    public static let paged = PoolType(rawValue: 1)
    /// `NonPagedPoolMustSucceed`.
    public static let nonPagedMustSucceed = PoolType(rawValue: 2)
    /// `NonPagedPoolCacheAligned`.
    public static let nonPagedCacheAligned = PoolType(rawValue: 4)
    /// `PagedPoolCacheAligned`.
    public static let pagedCacheAligned = PoolType(rawValue: 5)
    /// `NonPagedPoolCacheAlignedMustS`.
    public static let nonPagedCacheAlignedMustSucceed = PoolType(rawValue: 6)
    /// `NonPagedPoolSession`.
    public static let nonPagedSession = PoolType(rawValue: 32)
    /// `PagedPoolSession`.
    public static let pagedSession = PoolType(rawValue: 33)
    /// `NonPagedPoolNx`.
    public static let nonPagedNx = PoolType(rawValue: 512)
    /// `NonPagedPoolNxCacheAligned`.
    public static let nonPagedNxCacheAligned = PoolType(rawValue: 516)
    /// `NonPagedPoolSessionNx`.
    public static let nonPagedSessionNx = PoolType(rawValue: 544)

    /// Every pool type Allocate accepts.
    public static let all: [PoolType] = [
        .nonPaged, .paged, .nonPagedMustSucceed, .nonPagedCacheAligned, .pagedCacheAligned,
        .nonPagedCacheAlignedMustSucceed, .nonPagedSession, .pagedSession, .nonPagedNx,
        .nonPagedNxCacheAligned, .nonPagedSessionNx,
    ]

    /// Whether this is one of the Windows pool types.
    public var isValid: Bool { PoolType.all.contains(self) }

    public var description: String { "POOL_TYPE(\(rawValue))" }
}

/// A 32-bit pool tag, as Windows drivers write them: four characters, stored little-endian so
/// that `"Rdwn"` reads "Rdwn" in a memory dump.
public struct PoolTag: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The tag as the 32-bit ULONG Windows passes.
    public let rawValue: UInt32
    /// A tag from its 32-bit value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A tag from up to four ASCII characters. Traps on anything else.
    public init(stringLiteral text: String) {
        let bytes = Array(text.utf8)
        precondition(
            bytes.count <= 4 && bytes.allSatisfy { $0 < 0x80 },
            "a pool tag is at most four ASCII characters, got \"\(text)\"")
        rawValue = bytes.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }

    public var description: String {
        let chars = (0..<4).map { UInt8(truncatingIfNeeded: rawValue >> (8 * $0)) }
        if chars.allSatisfy({ $0 == 0 || (0x20..<0x7F).contains($0) }) {
            return "'" + String(decoding: chars.filter { $0 != 0 }, as: UTF8.self) + "'"
        }
        return "0x" + String(rawValue, radix: 16)
    }
}
