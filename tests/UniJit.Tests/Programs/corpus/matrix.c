// Floating-point kernels gcc vectorizes with SSE2 at -O3: matrix multiply, LU decomposition with
// partial pivoting, dot products in float and double, a numerical integration.
// cflags: -O3
#include <stdio.h>
#include <math.h>
#define N 48
static double A[N][N], B[N][N], C[N][N];
static float fa[1024], fb[1024];
int main(void) {
    for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) { A[i][j] = (i * 7 + j * 3) % 11 - 5 + (i == j) * 20; B[i][j] = (i + 2 * j) % 5 * 0.5; }
    for (int i = 0; i < N; i++) for (int k = 0; k < N; k++) for (int j = 0; j < N; j++) C[i][j] += A[i][k] * B[k][j];
    double tr = 0; for (int i = 0; i < N; i++) tr += C[i][i];
    printf("trace %.17g C[3][5] %.17g\n", tr, C[3][5]);
    int piv[N]; double det = 1;
    for (int i = 0; i < N; i++) piv[i] = i;
    for (int k = 0; k < N; k++) {
        int p = k; for (int i = k + 1; i < N; i++) if (fabs(A[i][k]) > fabs(A[p][k])) p = i;
        if (p != k) { for (int j = 0; j < N; j++) { double t = A[k][j]; A[k][j] = A[p][j]; A[p][j] = t; } int t = piv[k]; piv[k] = piv[p]; piv[p] = t; det = -det; }
        det *= A[k][k];
        for (int i = k + 1; i < N; i++) { double f = A[i][k] / A[k][k]; A[i][k] = f; for (int j = k + 1; j < N; j++) A[i][j] -= f * A[k][j]; }
    }
    printf("log|det| %.17g sign %d piv0 %d\n", log(fabs(det)), det < 0 ? -1 : 1, piv[0]);
    for (int i = 0; i < 1024; i++) { fa[i] = (float)i / 7.0f; fb[i] = 1.0f - (float)i / 2048.0f; }
    float fd = 0; for (int i = 0; i < 1024; i++) fd += fa[i] * fb[i];
    double dd = 0; for (int i = 0; i < 1024; i++) dd += (double)fa[i] * fb[i];
    printf("dot float %.9g double %.17g\n", fd, dd);
    float mx = 0; for (int i = 0; i < 1024; i++) mx = fa[i] * fb[i] > mx ? fa[i] * fb[i] : mx;
    printf("max %.9g\n", mx);
    double integral = 0; int steps = 100000;
    for (int i = 0; i < steps; i++) { double x = (i + 0.5) / steps; integral += 4.0 / (1.0 + x * x); }
    printf("pi ~ %.15f\n", integral / steps);
    return 0;
}
