import Testing

/// Faults on the real executable in a child process: SIGTERM under load, a full disk, storage that
/// cannot be written at startup, and thousands of clients that walk away mid-request. The tests are in
/// `FaultTests+*.swift`; they run one at a time since each one loads the machine on purpose.
@Suite(.serialized) struct FaultTests {}
