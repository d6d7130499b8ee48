package org.bulkfhir.store.generate;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

/**
 * Draws built only on {@code nextDouble}/{@code nextInt}, whose algorithms are fixed, so the
 * output does not depend on how a JDK implements Gaussian or other derived draws.
 */
final class Rand {
    private Rand() {
    }

    static double uniform(SplittableRandom r, double low, double high) {
        return low + (high - low) * r.nextDouble();
    }

    static boolean chance(SplittableRandom r, double p) {
        return r.nextDouble() < p;
    }

    /** Box–Muller; one value per call keeps the stream easy to reason about. */
    static double normal(SplittableRandom r, double mean, double sd) {
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return mean + sd * Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    static double clamp(double v, double low, double high) {
        return Math.max(low, Math.min(high, v));
    }

    /** Waiting time of a Poisson process with {@code perYear} events a year, in seconds. */
    static long exponentialGap(SplittableRandom r, double perYear) {
        double years = -Math.log(1.0 - r.nextDouble()) / perYear;
        return FhirTime.years(years);
    }

    static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    static <T> T pick(SplittableRandom r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    /** A weighted pick among the candidates whose weight is positive; null if none. */
    static <T> T weighted(SplittableRandom r, List<T> values, ToIntFunction<T> weight) {
        int total = 0;
        for (T v : values) {
            total += Math.max(0, weight.applyAsInt(v));
        }
        if (total == 0) {
            return null;
        }
        int x = r.nextInt(total);
        for (T v : values) {
            x -= Math.max(0, weight.applyAsInt(v));
            if (x < 0) {
                return v;
            }
        }
        throw new AssertionError();
    }
}
