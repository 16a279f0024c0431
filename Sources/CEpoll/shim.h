// Linux's readiness interface (epoll), which the Glibc module does not import. Used by the HTTP
// server's event thread (Sources/HTTPServer/Epoll.swift).
#include <sys/epoll.h>
