package org.bulkfhir.store.export;

/**
 * A claimed {@code export_task}. {@code leaseOwner} is the claim's token: completing or extending
 * the task succeeds only while the lease still belongs to it.
 */
public record TaskRow(
        long id,
        String jobId,
        int seq,
        TaskKind kind,
        String resType,
        Long loPk,
        Long hiPk,
        String loKey,
        String hiKey,
        boolean fullHistory,
        int attempts,
        String leaseOwner,
        long estimate) {
}
