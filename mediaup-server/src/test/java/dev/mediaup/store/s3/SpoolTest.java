package dev.mediaup.store.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The spool keeps a body in its slot's block up to {@link Spool#MEMORY_BODY}, in a file past it, and reuses blocks. */
class SpoolTest {
    @TempDir
    Path dir;

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] sent(Spool s) throws IOException {
        try (InputStream in = s.request().contentStreamProvider().newStream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void aBodyThatFitsStaysInMemoryAndReadsBackTheSameEveryTime() throws IOException {
        Spool s = new Spool.Budget(dir).open();
        byte[] body = bytes(Spool.MEMORY_BODY, 1);
        s.write(body, 0, 1000);
        s.write(body[1000]);
        s.write(body, 1001, body.length - 1001);
        s.close();
        assertThat(s.file()).isNull();
        assertThat(s.size()).isEqualTo(body.length);
        assertThat(sent(s)).isEqualTo(body);
        assertThat(sent(s)).as("the SDK reads twice: to sign, then to send").isEqualTo(body);
        try (InputStream in = s.read()) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
        s.discard();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aBodyThatOutgrowsItsBlockMovesToAFileWithWhatWasHeldAndTheFileGoesWithIt() throws IOException {
        Spool s = new Spool.Budget(dir).open();
        byte[] body = bytes(Spool.MEMORY_BODY + 12345, 2);
        for (int off = 0; off < body.length; off += 65536) s.write(body, off, Math.min(65536, body.length - off));
        s.close();
        assertThat(s.file()).isNotNull().exists().hasSize(body.length);
        assertThat(sent(s)).isEqualTo(body);
        s.discard();
        s.discard(); // twice is once
        assertThat(s.file()).doesNotExist();
    }

    @Test
    void blocksAreReusedAndABodyWithoutASlotGoesToAFileFromItsFirstByte() throws IOException {
        Spool.Budget budget = new Spool.Budget(dir);
        List<Spool> held = new ArrayList<>();
        // take every slot, then one more: it has no memory
        while (held.isEmpty() || held.getLast().file() == null) {
            Spool s = budget.open();
            s.write(7);
            held.add(s);
        }
        Spool noSlot = held.getLast();
        assertThat(noSlot.file()).as("the spool past the budget writes to its file at once").isNotNull();
        assertThat(held).hasSizeGreaterThan(1);
        for (Spool h : held) h.discard();
        assertThat(budget.blocksKept()).as("every block given back").isEqualTo(held.size() - 1);
        // a slot given back is taken again with a kept block: new bodies do not allocate
        Spool again = budget.open();
        assertThat(budget.blocksKept()).isEqualTo(held.size() - 2);
        byte[] body = bytes(1000, 3);
        again.write(body);
        assertThat(again.file()).isNull();
        assertThat(sent(again)).isEqualTo(body);
        again.discard();
        assertThat(budget.blocksKept()).isEqualTo(held.size() - 1);
    }
}
