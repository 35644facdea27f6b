import Foundation

/// rundown-bench's command line, parsed strictly before anything is measured: `--quick` and
/// `--help` only; anything else is a usage error (exit status 64, EX_USAGE).
struct BenchOptions {
    /// Fewer iterations, for CI smoke runs.
    var quick = false

    static let usage = """
        USAGE: rundown-bench [--quick]

        Measures what an acquire+release pair costs, single-threaded and on several threads,
        and prints the table (docs/benchmarks.md). Build it in release mode (ci/bench does).

        OPTIONS:
          --quick     fewer iterations (2,000,000 pairs, 3 runs instead of 20,000,000 and 7), for CI smoke runs
          -h, --help  show this help and exit

        Exit status: 0 done, 64 bad arguments.
        """

    /// Parses `arguments` (without the program name); prints the usage and exits for `--help`,
    /// prints one line and exits 64 for anything it does not know.
    static func parse(_ arguments: [String]) -> BenchOptions {
        var options = BenchOptions()
        for argument in arguments {
            switch argument {
            case "--quick": options.quick = true
            case "-h", "--help":
                print(usage)
                exit(0)
            default:
                FileHandle.standardError.write(
                    Data(
                        "rundown-bench: unknown argument '\(argument)'; the only options are --quick and --help\n".utf8)
                )
                exit(64)
            }
        }
        return options
    }
}
