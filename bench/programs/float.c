/* Floating point: an n-body simulation and a Mandelbrot set count. */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

#define N 5
static double x[N], y[N], z[N], vx[N], vy[N], vz[N], m[N];

static void advance(double dt)
{
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++) {
            double dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            vx[i] -= dx * m[j] * mag; vy[i] -= dy * m[j] * mag; vz[i] -= dz * m[j] * mag;
            vx[j] += dx * m[i] * mag; vy[j] += dy * m[i] * mag; vz[j] += dz * m[i] * mag;
        }
    for (int i = 0; i < N; i++) { x[i] += dt * vx[i]; y[i] += dt * vy[i]; z[i] += dt * vz[i]; }
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    for (int i = 0; i < N; i++) {
        x[i] = i * 1.1; y[i] = i * 0.7 - 1; z[i] = (i % 2) * 0.3;
        vx[i] = 0.01 * i; vy[i] = -0.02 * i; vz[i] = 0.005; m[i] = 1.0 + i;
    }
    for (int s = 0; s < 800000 * scale; s++) advance(0.001);
    double e = 0;
    for (int i = 0; i < N; i++) e += 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
    long inside = 0;
    for (int py = 0; py < 200; py++)
        for (int px = 0; px < 200 * scale; px++) {
            double cr = -2.0 + px * 2.5 / (200 * scale), ci = -1.25 + py * 2.5 / 200, zr = 0, zi = 0;
            int k = 0;
            while (k < 100 && zr * zr + zi * zi < 4) { double t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; k++; }
            inside += k == 100;
        }
    printf("energy=%.9f inside=%ld\n", e, inside);
    return 0;
}
