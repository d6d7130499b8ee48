package org.bulkfhir.core.search.index;

import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Splits a search parameter's FHIRPath into the union branches that apply to one resource type. */
final class ParamPaths {
    /**
     * Parameters whose values are columns of the resource row ({@code res_id}, and
     * {@code last_updated}, which the store stamps itself): searches read them there, so index
     * rows for them would only be written, never read. {@code _id} alone was one row in 13.
     */
    static final Set<String> ROW_COLUMNS = Set.of("_id", "_lastUpdated");

    private ParamPaths() {
    }

    /**
     * With deferred model scanning, HAPI can hand out a type's definition while another thread
     * (a parser meeting the type first) is still sealing it, search parameters not yet set. Seen
     * on loads of generated data; the other thread finishes within milliseconds.
     */
    static List<RuntimeSearchParam> searchParams(RuntimeResourceDefinition def) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<RuntimeSearchParam> params = def.getSearchParams();
        while (params == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            params = def.getSearchParams();
        }
        if (params == null) {
            throw new IllegalStateException("HAPI has not initialised the search parameters of " + def.getName());
        }
        return params;
    }

    /**
     * The top-level {@code |} branches of {@code sp}'s path that can apply to {@code type}. Branches
     * rooted at another resource type are dropped; when HAPI's split cut through parentheses or
     * quotes, the whole path is one branch.
     */
    static List<String> branches(String type, RuntimeSearchParam sp, Set<String> resourceTypes) {
        String path = sp.getPath();
        if (path == null || path.isBlank()) {
            return List.of();
        }
        List<String> branches = sp.getPathsSplit();
        for (String b : branches) {
            if (!balanced(b)) {
                return List.of(path.trim());
            }
        }
        List<String> kept = new ArrayList<>(branches.size());
        for (String b : branches) {
            String root = rootName(b);
            if (root == null || root.equals(type) || root.equals("Resource") || root.equals("DomainResource")
                    || !resourceTypes.contains(root)) {
                kept.add(b.trim());
            }
        }
        return kept;
    }

    private static boolean balanced(String branch) {
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < branch.length(); i++) {
            char c = branch.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            }
        }
        return depth == 0 && !quoted && !branch.isBlank();
    }

    private static String rootName(String branch) {
        String s = branch.trim();
        while (s.startsWith("(")) {
            s = s.substring(1).trim();
        }
        int end = 0;
        while (end < s.length() && Character.isLetterOrDigit(s.charAt(end))) {
            end++;
        }
        return end == 0 ? null : s.substring(0, end);
    }
}
