import ArgumentParser

/// `--jobs N`: how many worker processes fuzz each target at once (libFuzzer's fork mode when
/// N > 1). Parsed unconditionally, so that `--jobs -2` gets this message.
struct Workers: ParsableArguments {
    /// The most workers a run may ask for.
    static let maximum = 256

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Worker processes per target (libFuzzer -fork=N; findings, corpus and recap as with one).",
            valueName: "N"))
    var jobs = 1

    func validate() throws {
        guard (1...Workers.maximum).contains(jobs) else {
            throw ValidationError("--jobs must be a whole number from 1 to \(Workers.maximum) (got \(jobs))")
        }
    }
}
