// C++ exceptions: throw/catch by type and base, rethrow, nested try, destructor order during
// unwinding, exceptions through many frames, noexcept, std::exception_ptr.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <exception>
struct Guard { const char *n; Guard(const char *n) : n(n) { std::printf("enter %s\n", n); } ~Guard() { std::printf("leave %s\n", n); } };
struct MyError : std::runtime_error { int code; MyError(int c) : std::runtime_error("my error " + std::to_string(c)), code(c) {} };
static int depth(int n) { Guard g(n % 10 == 0 ? "tenth" : nullptr ? "" : "frame"); if (n == 0) throw MyError(7); return depth(n - 1) + 1; }
static int quiet(int n) { if (n == 0) throw 42; return quiet(n - 1) + 1; }
int main() {
    try { Guard a("a"); throw std::out_of_range("range"); }
    catch (const std::logic_error &e) { std::printf("caught logic_error: %s\n", e.what()); }
    try { try { throw MyError(3); } catch (std::exception &e) { std::printf("inner %s, rethrowing\n", e.what()); throw; } }
    catch (const MyError &e) { std::printf("outer code %d\n", e.code); }
    try { depth(3); } catch (const MyError &e) { std::printf("from depth: %s\n", e.what()); }
    int caught = 0;
    for (int i = 0; i < 200; i++) { try { quiet(i % 50); } catch (int v) { caught += v; } }
    std::printf("caught sum %d\n", caught);
    std::exception_ptr ep;
    try { throw std::string("stored"); } catch (...) { ep = std::current_exception(); }
    try { std::rethrow_exception(ep); } catch (const std::string &s) { std::printf("rethrown %s\n", s.c_str()); }
    try { throw 3.5; } catch (int) { std::printf("wrong\n"); } catch (double d) { std::printf("double %g\n", d); }
    try { std::string s; s.at(5); } catch (const std::out_of_range &) { std::printf("at() threw out_of_range\n"); }
    try { throw std::bad_alloc(); } catch (const std::exception &e) { std::printf("bad_alloc: %s\n", e.what()); }
    return 0;
}
