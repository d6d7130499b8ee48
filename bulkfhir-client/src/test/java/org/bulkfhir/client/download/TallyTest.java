package org.bulkfhir.client.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * C-29, C-31: the line count a downloaded file is checked with counts non-blank lines exactly as
 * a byte-at-a-time reading would, whatever the chunks the bytes arrive in and wherever a newline
 * falls against the eight-byte steps of the fast scan.
 */
class TallyTest {
    /** The plain definition: a line counts when it holds something other than spaces, tabs and CRs. */
    private static long reference(byte[] b) {
        long lines = 0;
        boolean content = false;
        for (byte c : b) {
            if (c == '\n') {
                if (content) {
                    lines++;
                }
                content = false;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                content = true;
            }
        }
        return lines + (content ? 1 : 0);
    }

    private static long tally(byte[] b, Random chunks) {
        Tally t = new Tally(false);
        int i = 0;
        while (i < b.length) {
            int n = Math.min(b.length - i, 1 + chunks.nextInt(40));
            t.update(b, i, n);
            i += n;
        }
        assertThat(t.bytes()).isEqualTo(b.length);
        return t.lines();
    }

    @Test
    void countsAsTheByteAtATimeDefinitionForRandomContentAndChunks() {
        Random random = new Random(7);
        String[] pieces = {"{\"resourceType\":\"Patient\"}", "\n", "\n", "\r\n", " ", "\t", "x", "é", "{}", "   \n",
                "\n\n\n", "0123456789abcdef"};
        for (int round = 0; round < 2000; round++) {
            StringBuilder sb = new StringBuilder();
            int parts = random.nextInt(30);
            for (int p = 0; p < parts; p++) {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(tally(bytes, random)).as(sb.toString().replace("\n", "\\n")).isEqualTo(reference(bytes));
        }
    }

    @Test
    void aNewlineIsFoundAtEveryOffsetOfALongStep() {
        for (int at = 0; at < 24; at++) {
            byte[] b = ("x".repeat(at) + "\n" + "y".repeat(20)).getBytes(StandardCharsets.US_ASCII);
            for (int from = 0; from <= at; from++) {
                assertThat(Tally.indexOfNewline(b, from, b.length)).as("newline at %d from %d", at, from).isEqualTo(at);
            }
            assertThat(Tally.indexOfNewline(b, at + 1, b.length)).isEqualTo(-1);
            assertThat(Tally.indexOfNewline(b, 0, at)).as("end before it").isEqualTo(-1);
        }
        // Bytes that differ from '\n' only in high bits, and a '\n' right after one of them.
        byte[] tricky = {(byte) 0x8A, 0x0B, 0x09, (byte) 0x0A, 0x0A, 0x01, 0x00, 0x7F, (byte) 0xFF};
        assertThat(Tally.indexOfNewline(tricky, 0, tricky.length)).isEqualTo(3);
        assertThat(Tally.indexOfNewline(tricky, 4, tricky.length)).isEqualTo(4);
        assertThat(Tally.indexOfNewline(tricky, 5, tricky.length)).isEqualTo(-1);
    }

    @Test
    void blankAndWhitespaceLinesAreNotResourcesAndALastLineWithoutNewlineIs() {
        byte[] b = "{\"a\":1}\n\n   \n\t\r\n{\"b\":2}\r\n{\"c\":3}".getBytes(StandardCharsets.UTF_8);
        assertThat(tally(b, new Random(1))).isEqualTo(3);
    }
}
