package org.bulkfhir.store;

import java.util.ArrayList;
import java.util.List;

/**
 * A Bloom filter of resource keys ({@code type/id}) that grows with what it holds: "no" is
 * certain, "maybe" is wrong well under 1% of the time. When one filter is full a twice larger
 * one takes the new keys, so memory stays at 10 to 20 bits a key however many a load writes.
 */
final class KeyFilter {
    private static final int FIRST_CAPACITY = 1 << 16;
    private static final int BITS_PER_KEY = 10;
    private static final int PROBES = 7;

    private final List<long[]> filters = new ArrayList<>();
    private int capacity;
    private int count;

    KeyFilter() {
        grow(FIRST_CAPACITY);
    }

    void add(String type, String id) {
        if (count == capacity) {
            grow(capacity * 2);
        }
        long[] bits = filters.get(filters.size() - 1);
        long h = hash(type, id);
        long step = (h >>> 32) | 1;
        int mask = bits.length * 64 - 1;
        for (int i = 0; i < PROBES; i++, h += step) {
            int bit = (int) h & mask;
            bits[bit >>> 6] |= 1L << bit;
        }
        count++;
    }

    boolean mightContain(String type, String id) {
        long hash = hash(type, id);
        for (long[] bits : filters) {
            long h = hash;
            long step = (h >>> 32) | 1;
            int mask = bits.length * 64 - 1;
            boolean all = true;
            for (int i = 0; i < PROBES && all; i++, h += step) {
                int bit = (int) h & mask;
                all = (bits[bit >>> 6] & (1L << bit)) != 0;
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private void grow(int keys) {
        // A power of two of bits, so a probe is a mask.
        filters.add(new long[Integer.highestOneBit(keys * BITS_PER_KEY - 1) * 2 / 64]);
        capacity = keys;
        count = 0;
    }

    /** 64-bit FNV-1a over "type/id", then a finalizer that spreads it over both halves. */
    static long hash(String type, String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < type.length(); i++) {
            h = (h ^ type.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ '/') * 0x100000001b3L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
