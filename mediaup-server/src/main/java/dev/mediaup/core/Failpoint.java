package dev.mediaup.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Named places where the crash matrix makes this process die as {@code kill -9} would: between two steps whose order
 * is what keeps acknowledged bytes safe (blob before row, rows before blob deletes, result before job completion).
 * Compiled in and inert unless the environment says otherwise: {@code MEDIAUP_FAILPOINTS=append.after-blob=kill}
 * dies at the first pass, {@code =kill@3} at the third; {@code =delay:2000@2} stalls the second pass for two seconds
 * (to make a race happen every time in a test); several are separated by commas. A name that is not declared
 * here stops the process at startup, so a typo never makes a drill pass by testing nothing.
 *
 * <p>Dying is {@link Runtime#halt}: no shutdown hook, no drain, no flush of anything the JVM holds — what a SIGKILL
 * leaves is what this leaves (the kernel keeps what was written, as it does after a SIGKILL).
 */
public enum Failpoint {
    // an append: the segment's blob is made durable, then its row is committed, then the answer goes out
    APPEND_BEFORE_BLOB("append.before-blob"),
    APPEND_AFTER_BLOB("append.after-blob"),
    APPEND_AFTER_ROW("append.after-row"),
    APPEND_RESEND_BEFORE_OLD_BLOB_DELETE("append.resend.before-old-blob-delete"),
    // a body cut off mid-way (tus, resumable HTTP): what arrived written, not yet durable; a long body's piece recorded
    APPEND_CUT_OFF_BEFORE_STORE("append.cut-off.before-store"),
    APPEND_ARRIVING_AFTER_PIECE("append.arriving.after-piece"),
    // the file store: body written, fsynced, renamed into place, directory fsynced
    FILE_BEFORE_FSYNC("blob.file.before-fsync"),
    FILE_BEFORE_RENAME("blob.file.before-rename"),
    FILE_BEFORE_DIR_FSYNC("blob.file.before-dir-fsync"),
    // the file store filling a spare whose name was made durable ahead: body written, not yet fsynced
    FILE_IN_PLACE_BEFORE_FSYNC("blob.file.in-place.before-fsync"),
    // the object store: body spooled, then PUT; an original assembled by a multipart upload of server-side copies
    S3_BEFORE_PUT("blob.s3.before-put"),
    S3_AFTER_PUT("blob.s3.after-put"),
    S3_ASSEMBLE_AFTER_CREATE("blob.s3.assemble.after-create"),
    S3_ASSEMBLE_BEFORE_COMPLETE("blob.s3.assemble.before-complete"),
    // FINALIZE: the upload read (unfinalized), its segments not yet
    FINALIZE_AFTER_LOOKUP("finalize.after-lookup"),
    FINALIZE_AFTER_SNIFF("finalize.after-sniff"),
    FINALIZE_AFTER_QUEUE("finalize.after-queue"),
    INLINE_AFTER_VARIANTS("inline.after-variants"),
    INLINE_AFTER_ASSEMBLE("inline.after-assemble"),
    INLINE_AFTER_RECORD("inline.after-record"),
    // the one-shot upload
    ONESHOT_AFTER_BLOB("oneshot.after-blob"),
    ONESHOT_AFTER_CREATE("oneshot.after-create"),
    // tus: a final upload's segments moved from its partials, not yet finalized; a PATCH's last bytes recorded, not
    // yet finalized
    TUS_CONCAT_AFTER_MOVE("tus.concat.after-move"),
    TUS_PATCH_BEFORE_FINALIZE("tus.patch.before-finalize"),
    // a processing job
    JOB_AFTER_CLAIM("job.after-claim"),
    JOB_AFTER_IN_PROGRESS("job.after-in-progress"),
    VIDEO_AFTER_ENCODE("video.after-encode"),
    VIDEO_AFTER_RENDITION_STORED("video.after-rendition-stored"),
    VIDEO_AFTER_VARIANTS("video.after-variants"),
    QUEUED_AFTER_ASSEMBLE("queued.after-assemble"),
    QUEUED_AFTER_SET_ORIGINAL("queued.after-set-original"),
    QUEUED_AFTER_SUCCESS("queued.after-success"),
    QUEUED_MID_DROP("queued.mid-drop"),
    JOB_BEFORE_COMPLETE("job.before-complete"),
    // store once: a repeat given the variants of media with the same bytes, not yet recorded as succeeded; a deleted
    // media's rows gone, the blobs nothing else uses not yet deleted
    REPEAT_AFTER_SHARE("repeat.after-share"),
    DELETE_AFTER_UNLINK("delete.after-unlink"),
    // the webhook outbox
    WEBHOOK_BEFORE_SEND("webhook.before-send"),
    WEBHOOK_AFTER_SEND("webhook.after-send"),
    // the sweeper (a node's, or bin/mediaup gc)
    SWEEP_AFTER_EXPIRE("sweep.after-expire"),
    SWEEP_AFTER_PURGE_BLOBS("sweep.after-purge-blobs"),
    SWEEP_AFTER_ORPHAN_DELETE("sweep.after-orphan-delete");

    public final String id;

    Failpoint(String id) {
        this.id = id;
    }

    /** One armed point: the pass it waits for, and what it does then (die, or stall for {@code delayMillis}). */
    private record Armed(AtomicInteger passesLeft, long delayMillis) {}

    /** What is armed, by point. Empty (and every {@link #hit} a no-op) normally. */
    private static final Map<Failpoint, Armed> ARMED = parse(System.getenv("MEDIAUP_FAILPOINTS"));

    /** Dies (or stalls) here if this point is armed and this is the pass it waits for. */
    public void hit() {
        if (ARMED.isEmpty()) return;
        Armed a = ARMED.get(this);
        if (a == null || a.passesLeft().decrementAndGet() != 0) return;
        if (a.delayMillis() > 0) {
            // a race made certain: this request stalls here while others overtake it
            System.err.println("failpoint " + id + ": stalling " + a.delayMillis() + " ms");
            try {
                Thread.sleep(a.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        System.err.println("failpoint " + id + ": killing the process");
        System.err.flush();
        Runtime.getRuntime().halt(137); // 128 + SIGKILL, as a shell reports a kill -9
    }

    /** Parses the setting eagerly (called at startup), so a bad one stops the process before it serves anything. */
    public static int armed() {
        return ARMED.size();
    }

    /** "name=kill", "name=kill@N" (the Nth pass), "name=delay:MS", "name=delay:MS@N", comma-separated. */
    static Map<Failpoint, Armed> parse(String spec) {
        Map<Failpoint, Armed> armed = new EnumMap<>(Failpoint.class);
        if (spec == null || spec.isBlank()) return armed;
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            Failpoint p = byId(kv[0].trim());
            String action = kv.length == 2 ? kv[1].trim() : "";
            var m = Pattern.compile("(kill|delay:([1-9][0-9]{0,6}))(@([1-9][0-9]{0,5}))?").matcher(action);
            if (!m.matches())
                throw new IllegalArgumentException("MEDIAUP_FAILPOINTS: " + part + ": the action is kill, kill@N, delay:MS or delay:MS@N");
            armed.put(p, new Armed(new AtomicInteger(m.group(4) == null ? 1 : Integer.parseInt(m.group(4))),
                    m.group(2) == null ? 0 : Long.parseLong(m.group(2))));
        }
        return armed;
    }

    public static Failpoint byId(String id) {
        for (Failpoint p : values()) if (p.id.equals(id)) return p;
        throw new IllegalArgumentException("MEDIAUP_FAILPOINTS: no failpoint is called " + id);
    }
}
