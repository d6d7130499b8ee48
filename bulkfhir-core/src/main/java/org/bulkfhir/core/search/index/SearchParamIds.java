package org.bulkfhir.core.search.index;

/**
 * The integer the store writes into index rows instead of a parameter's resource type and name.
 * Two text columns were about a third of an index row and of its index entry; an int is at most
 * four bytes. The id is {@code ("Type.name").hashCode()}: fixed by the names alone, so every node
 * and every version computes the same id without a lookup table, and no two R4 parameters
 * collide (checked over all of HAPI's definitions by {@code SearchParamIdsTest}).
 */
public final class SearchParamIds {
    private SearchParamIds() {
    }

    /** The id of parameter {@code name} of {@code type}. */
    public static int of(String type, String name) {
        // (type + "." + name).hashCode() without building the string: this runs for every index row.
        int h = 31 * type.hashCode() + '.';
        for (int i = 0; i < name.length(); i++) {
            h *= 31;
        }
        return h + name.hashCode();
    }
}
