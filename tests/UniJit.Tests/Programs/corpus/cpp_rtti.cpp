// RTTI: virtual dispatch, dynamic_cast up/down/cross (multiple and virtual inheritance),
// typeid names and comparisons, pure virtual interfaces, virtual destructors.
#include <cstdio>
#include <typeinfo>
#include <memory>
#include <vector>
struct Shape { virtual ~Shape() { std::printf("~Shape\n"); } virtual double area() const = 0; virtual const char *name() const { return "shape"; } };
struct Named { virtual ~Named() {} virtual int id() const { return 1; } };
struct Circle : Shape { double r; Circle(double r) : r(r) {} double area() const override { return 3 * r * r; } const char *name() const override { return "circle"; } ~Circle() { std::printf("~Circle\n"); } };
struct Square : Shape, Named { double s; Square(double s) : s(s) {} double area() const override { return s * s; } int id() const override { return 2; } };
struct Base { virtual ~Base() {} int b = 10; };
struct Left : virtual Base { int l = 1; };
struct Right : virtual Base { int r = 2; };
struct Diamond : Left, Right { int d = 3; };
int main() {
    std::vector<std::unique_ptr<Shape>> v;
    v.emplace_back(new Circle(2)); v.emplace_back(new Square(3)); v.emplace_back(new Circle(0.5));
    for (auto &s : v) {
        std::printf("%s area %g typeid %s circle? %d square? %d\n", s->name(), s->area(), typeid(*s).name(),
                    dynamic_cast<Circle *>(s.get()) != nullptr, dynamic_cast<Square *>(s.get()) != nullptr);
        if (Named *n = dynamic_cast<Named *>(s.get())) std::printf("  cross-cast to Named id %d\n", n->id());
    }
    Diamond d; Base *b = static_cast<Left *>(&d);
    Right *r = dynamic_cast<Right *>(b);
    std::printf("diamond: b=%d via right r=%d, back to Diamond %d\n", b->b, r ? r->r : -1, dynamic_cast<Diamond *>(b) == &d);
    std::printf("typeid equal %d %d, int name %s, ptr name %s\n", typeid(d) == typeid(Diamond), typeid(*b) == typeid(Left),
                typeid(int).name(), typeid(const char *).name());
    try { Shape &s = *v[0]; Square &sq = dynamic_cast<Square &>(s); std::printf("no %g\n", sq.s); }
    catch (const std::bad_cast &e) { std::printf("bad_cast caught\n"); }
    v.clear();
    std::printf("done\n");
    return 0;
}
