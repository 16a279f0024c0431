internal import CMalloc

/// How the process asks glibc's allocator for memory.
enum Allocator {
    /// Blocks of this size and above are mapped on their own and handed back to the system when freed.
    static let largeBlockBytes: Int32 = 128 * 1024

    /// Makes large blocks (request bodies, response buffers, query pages) go straight back to the system.
    ///
    /// glibc raises its mmap threshold every time such a block is freed (up to 32 MiB), after which
    /// large blocks come from the per-thread arenas instead and stay there, fragmented, after their
    /// connection thread ends. Measured (debug build, rounds of thousands of abandoned clients):
    /// resident memory settled 60 to 80 MB above a fresh start and moved by up to 20 MB from round to
    /// round, malloc_trim or not; with the threshold fixed (which also turns the adjustment off) it
    /// settled about 26 MB above (reader caches, warm arenas) and stayed within 1 MB. The cost is one
    /// mmap and munmap, and fresh zeroed pages, per large block.
    static func returnLargeBlocks() {
        _ = mallopt(M_MMAP_THRESHOLD, largeBlockBytes)
    }
}
