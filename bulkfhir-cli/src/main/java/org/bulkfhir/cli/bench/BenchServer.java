package org.bulkfhir.cli.bench;

/** The Data Provider under test: a child JVM, this JVM, or someone else's server. */
public interface BenchServer extends AutoCloseable {
    String baseUrl();

    /** The process whose memory is the server's, or -1 when it is not ours to watch. */
    long pid();

    /** How it runs, for the report ("child JVM -Xmx256m", "in-process", "external"). */
    String mode();

    @Override
    void close();

    static BenchServer external(String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return new BenchServer() {
            @Override
            public String baseUrl() {
                return base;
            }

            @Override
            public long pid() {
                return -1;
            }

            @Override
            public String mode() {
                return "external server " + base;
            }

            @Override
            public void close() {
            }
        };
    }
}
