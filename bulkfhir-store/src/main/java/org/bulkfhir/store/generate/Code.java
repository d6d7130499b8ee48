package org.bulkfhir.store.generate;

/** One coding: system, code and its display text. */
record Code(String system, String code, String display) {
}
