// The STL: vector, deque, list, map, set, unordered_map, priority_queue, string operations,
// algorithms (sort, stable_sort, partition, accumulate, binary_search), std::function, lambdas,
// smart pointers, optional/variant.
#include <algorithm>
#include <cstdio>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>
int main() {
    std::vector<int> v;
    unsigned s = 1;
    for (int i = 0; i < 10000; i++) { s = s * 1103515245u + 12345u; v.push_back((int)(s >> 16) % 1000); }
    std::vector<int> sorted = v; std::sort(sorted.begin(), sorted.end());
    std::printf("sum %lld min %d max %d median %d\n", std::accumulate(v.begin(), v.end(), 0LL), sorted.front(), sorted.back(), sorted[5000]);
    std::printf("has 500: %d, count 7: %ld\n", std::binary_search(sorted.begin(), sorted.end(), 500), (long)std::count(v.begin(), v.end(), 7));
    std::map<std::string, int> words;
    const char *text = "the quick brown fox jumps over the lazy dog the end fox";
    std::string w; for (const char *p = text;; p++) { if (*p == ' ' || !*p) { if (!w.empty()) words[w]++; w.clear(); if (!*p) break; } else w += *p; }
    for (auto &kv : words) std::printf("%s=%d ", kv.first.c_str(), kv.second);
    std::printf("\n");
    std::unordered_map<int, std::string> um;
    for (int i = 0; i < 1000; i++) um[i * 7919 % 1009] = std::to_string(i);
    long total = 0; for (auto &kv : um) total += kv.first * (long)kv.second.size();
    std::printf("unordered size %zu total %ld find 5: %s\n", um.size(), total, um.count(5) ? um[5].c_str() : "none");
    std::set<int> st(v.begin(), v.end());
    std::printf("distinct %zu, lower_bound(500) %d\n", st.size(), *st.lower_bound(500));
    std::priority_queue<int> pq(v.begin(), v.begin() + 100);
    std::printf("pq top3 %d", pq.top()); pq.pop(); std::printf(" %d", pq.top()); pq.pop(); std::printf(" %d\n", pq.top());
    std::deque<int> dq; for (int i = 0; i < 100; i++) { if (i % 2) dq.push_back(i); else dq.push_front(i); }
    std::printf("deque front %d back %d [50]=%d\n", dq.front(), dq.back(), dq[50]);
    std::list<std::string> l = { "delta", "alpha", "charlie", "bravo" }; l.sort();
    for (auto &x : l) std::printf("%s ", x.c_str()); std::printf("\n");
    std::vector<std::pair<int, int>> pr; for (int i = 0; i < 20; i++) pr.push_back({ i % 4, i });
    std::stable_sort(pr.begin(), pr.end(), [](auto &a, auto &b) { return a.first < b.first; });
    for (auto &p : pr) std::printf("%d:%d ", p.first, p.second); std::printf("\n");
    auto mid = std::partition(sorted.begin(), sorted.end(), [](int x) { return x % 2 == 0; });
    std::printf("evens %ld\n", (long)(mid - sorted.begin()));
    std::function<long(int)> fact = [&](int n) -> long { return n <= 1 ? 1 : n * fact(n - 1); };
    std::printf("fact(20) %ld\n", fact(20));
    auto sp = std::make_shared<std::string>("shared"); auto sp2 = sp; std::weak_ptr<std::string> wp = sp;
    std::printf("use_count %ld expired %d\n", sp.use_count(), wp.expired());
    sp.reset(); sp2.reset(); std::printf("expired after reset %d\n", wp.expired());
    std::optional<int> o; std::printf("optional %d %d\n", o.has_value(), o.value_or(-1));
    std::variant<int, double, std::string> var = std::string("text");
    std::printf("variant index %zu holds %s\n", var.index(), std::get<std::string>(var).c_str());
    var = 2.5; std::printf("variant index %zu holds %g\n", var.index(), std::get<double>(var));
    std::string str = "Hello, World"; std::reverse(str.begin(), str.end());
    std::printf("%s find %zu substr %s\n", str.c_str(), str.find("oW"), str.substr(2, 5).c_str());
    return 0;
}
