// iostreams: cout/cerr formatting, manipulators, stringstream parsing, getline, locale-free output.
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>
int main() {
    std::cout << "int " << 42 << " neg " << -7 << " hex " << std::hex << 255 << std::dec << " oct " << std::oct << 8 << std::dec << '\n';
    std::cout << std::setw(10) << std::setfill('*') << 123 << '|' << std::left << std::setw(8) << "ab" << '|' << std::right << std::setfill(' ') << '\n';
    std::cout << std::fixed << std::setprecision(3) << 3.14159265 << ' ' << std::scientific << 12345.678 << ' ' << std::defaultfloat << 0.1 << '\n';
    std::cout << std::boolalpha << true << ' ' << false << std::noboolalpha << ' ' << true << '\n';
    std::cout << std::showbase << std::hex << 4096 << std::noshowbase << std::dec << ' ' << std::showpos << 5 << std::noshowpos << '\n';
    std::cerr << "to cerr " << 1.5 << std::endl;
    std::clog << "to clog" << std::endl;
    std::istringstream in("10 20 30\nword 2.5\nlast line here\n");
    int a, b, c; in >> a >> b >> c;
    std::string w; double d; in >> w >> d;
    std::string rest; std::getline(in, rest); std::getline(in, rest);
    std::cout << "parsed " << a + b + c << ' ' << w << ' ' << d * 2 << " [" << rest << "]\n";
    std::ostringstream out;
    for (int i = 0; i < 5; i++) out << i << (i < 4 ? "," : "");
    std::cout << "joined " << out.str() << " len " << out.str().size() << '\n';
    std::stringstream ss("x=1;y=22;z=333"); std::string item; std::vector<std::string> parts;
    while (std::getline(ss, item, ';')) parts.push_back(item);
    for (auto &p : parts) std::cout << '<' << p << '>';
    std::cout << '\n';
    int bad; std::istringstream bin("notanumber"); bin >> bad;
    std::cout << "fail state " << bin.fail() << '\n';
    std::cout << std::flush;
    return 0;
}
