import _RundownShims
import _ToolShims

/// A joinable OS thread running a closure (pthreads, so that it is a real thread the kernel
/// schedules and migrates, not a task on a pool).
struct SoakThread {
    private let handle: UInt64

    private final class Body {
        let name: String
        let work: () -> Void
        init(name: String, work: @escaping () -> Void) {
            self.name = name
            self.work = work
        }
    }

    /// Starts `work` on a new thread named `name`.
    init(name: String, _ work: @escaping () -> Void) {
        let context = Unmanaged.passRetained(Body(name: name, work: work)).toOpaque()
        var handle: UInt64 = 0
        let error = rundown_soak_spawn({ context in
            let body = Unmanaged<AnyObject>.fromOpaque(context!).takeRetainedValue() as! Body
            rundown_name_current_thread(body.name)
            body.work()
            return nil
        }, context, &handle)
        // EAGAIN: the system's thread limit; a run cannot go on without its threads.
        rundown_check_error(error, "pthread_create (thread '\(name)')")
        self.handle = handle
    }

    func join() { rundown_soak_join(handle) }

    /// Gives the thread up: it will never be joined (after a failure it may hang forever).
    func detach() { rundown_soak_detach(handle) }
}
