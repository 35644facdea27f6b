#if canImport(Glibc)
    import Glibc
#endif
import _ToolShims

/// A joinable OS thread running a closure (pthreads, so that it is a real thread the kernel
/// schedules and migrates, not a task on a pool, and the sanitizers see its start and join).
package struct SpawnedThread {
    private let handle: pthread_t

    private final class Start {
        let name: String
        let work: () -> Void
        init(name: String, work: @escaping () -> Void) {
            self.name = name
            self.work = work
        }
    }

    /// Starts `work` on a new thread named `name` (the kernel keeps 15 characters of it).
    package init(name: String, _ work: @escaping () -> Void) {
        let start = Unmanaged.passRetained(Start(name: name, work: work)).toOpaque()
        var handle = pthread_t()
        checkPthread(
            pthread_create(
                &handle, nil,
                { argument in
                    let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
                    rundown_name_current_thread(start.name)
                    start.work()
                    return nil
                }, start), "pthread_create")
        self.handle = handle
    }

    /// Waits for the thread to finish.
    package func join() { checkPthread(pthread_join(handle, nil), "pthread_join") }

    /// Gives the thread up: it will never be joined (after a failure it may hang forever).
    package func detach() { checkPthread(pthread_detach(handle), "pthread_detach") }

    /// Runs `body(i)` for every `i` in `0 ..< count`, each on its own thread, all at once, and
    /// returns when all have finished.
    package static func onEach(_ count: Int, name: String = "thread", _ body: @escaping (Int) -> Void) {
        let threads = (0..<count).map { index in SpawnedThread(name: "\(name) \(index)") { body(index) } }
        threads.forEach { $0.join() }
    }
}
