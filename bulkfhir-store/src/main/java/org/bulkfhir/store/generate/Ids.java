package org.bulkfhir.store.generate;

/**
 * Resource ids and per-patient random seeds derived from the run seed by hashing, not by
 * drawing from a shared random stream: an id then depends only on (seed, type, ordinal), so
 * adding a field to one resource type never shifts the ids or values of another.
 */
final class Ids {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** SplitMix64's finalizer: a cheap bijection with good avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long mix(long seed, long a, long b) {
        return mix(mix(mix(seed + 0x9e3779b97f4a7c15L) ^ a) + b);
    }

    /** A version-4 style UUID string for the {@code ordinal}-th resource of {@code type}. */
    static String uuid(long seed, String type, long ordinal) {
        long hi = mix(seed, type.hashCode(), ordinal);
        long lo = mix(hi ^ 0x632be59bd9b4e019L);
        hi = (hi & 0xffffffffffff0fffL) | 0x0000000000004000L;
        lo = (lo & 0x3fffffffffffffffL) | 0x8000000000000000L;
        char[] c = new char[36];
        int p = 0;
        for (int i = 15; i >= 0; i--) {
            c[p++] = HEX[(int) (hi >>> (i * 4)) & 0xf];
            if (p == 8 || p == 13) {
                c[p++] = '-';
            }
        }
        c[p++] = '-';
        for (int i = 15; i >= 0; i--) {
            c[p++] = HEX[(int) (lo >>> (i * 4)) & 0xf];
            if (p == 23) {
                c[p++] = '-';
            }
        }
        return new String(c);
    }
}
