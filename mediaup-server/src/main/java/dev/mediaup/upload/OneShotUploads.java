package dev.mediaup.upload;

import dev.mediaup.config.LimitsConfig;
import dev.mediaup.core.BodyWriter;
import dev.mediaup.core.Category;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Segment;
import dev.mediaup.core.Upload;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.UploadReads;
import dev.mediaup.store.UploadWrites;
import dev.mediaup.upload.UploadService.OneShotRequest;

import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The one-shot upload: the body streams into a segment of a fresh upload id first (clients may put media_category
 * after the media), then the request is validated, and the upload is created, recorded and finalized in one go.
 */
final class OneShotUploads {
    private final UploadService uploads;
    private final UploadReads reads;
    private final UploadWrites writes;
    private final BlobStore blobs;
    private final SegmentWriter segments;
    private final Ids ids;
    private final LimitsConfig limits;

    OneShotUploads(UploadService uploads, UploadReads reads, UploadWrites writes, BlobStore blobs, SegmentWriter segments, Ids ids,
                   LimitsConfig limits) {
        this.uploads = uploads;
        this.reads = reads;
        this.writes = writes;
        this.blobs = blobs;
        this.segments = segments;
        this.ids = ids;
        this.limits = limits;
    }

    /** {@code declaredSha256}: the file's SHA-256 (hex) its Repr-Digest declared, checked before anything is recorded. */
    Upload upload(Principal who, long declaredLength, BodyWriter body, Supplier<OneShotRequest> request, String declaredSha256) {
        long id = ids.next();
        SegmentWriter.Stored st = segments.store(id, limits.largestUpload(), declaredLength, null, true, body);
        Failpoint.ONESHOT_AFTER_BLOB.hit();
        boolean kept = false;
        try {
            String actual = HexFormat.of().formatHex(st.sha256());
            if (declaredSha256 != null && !declaredSha256.equals(actual)) throw UploadProblems.digestMismatch(declaredSha256, actual);
            OneShotRequest r = request.get();
            UploadService.checkOwners(r.additionalOwners());
            long max = limits.maxBytes(r.category());
            long size = st.size();
            if (size > max) throw UploadProblems.mediaTooLarge(size, max, r.category());
            String detected;
            try (InputStream in = blobs.open(st.key())) {
                detected = Sniffer.detect(in.readNBytes(Sniffer.PREFIX));
            }
            // nobody declared a type, so what the bytes are decides: when the category does not take that, say what they
            // are and what it takes (subtitles are text that magic cannot tell apart: their category's own type, checked by the sniff)
            TreeSet<String> accepted = new TreeSet<>(r.category().mediaTypes);
            boolean taken = accepted.contains(detected);
            if (!taken && r.category() != Category.SUBTITLES)
                throw UploadProblems.foundNotInCategory(detected, r.category(), String.join(", ", accepted));
            String type = taken ? detected : accepted.first();
            long now = uploads.now();
            if (who.viaGrant())
                who.grant().initRefusal(type, r.category(), size, now).ifPresent(x -> {
                    throw UploadProblems.refused(x);
                });
            Upload u = uploads.begin(who, Upload.started(id, who.userId(), type, r.category(), size, false,
                    List.copyOf(new LinkedHashSet<>(r.additionalOwners())), now, uploads.expiresAt(r.category(), now))
                    .withDeclaredSha256(declaredSha256));
            Failpoint.ONESHOT_AFTER_CREATE.hit();
            writes.putSegment(new Segment(id, 0, size, actual, st.key()), now, size, limits.quota())
                    .orElseThrow(UploadProblems::refused);
            kept = true;
            return uploads.complete(who, u, reads.segments(id));
        } catch (IOException e) {
            throw SegmentWriter.storageFailure(e);
        } finally {
            if (!kept) segments.deleteQuietly(st.key());
        }
    }
}
