package dev.mediaup.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upgrade in place: the current code started on a data dir that an earlier release made and left mid-work
 * (bin/upgrade-fixture builds that release and drives it; the result is kept in src/test/resources/upgrade). The
 * database is migrated by the new code at start; then the old media are served, the upload that was left with two of
 * three segments takes its third and finishes, and the job that was queued when the old server died runs.
 */
class UpgradeIT {
    /** The release the fixture comes from: the commit that landed before packages and roles (2026-12-06). */
    static final String FROM = "0.1.0-b32a8cf";

    @TempDir
    Path dir;

    @Test
    void theCurrentCodeServesAndFinishesWhatAnEarlierReleaseLeft() throws Exception {
        Properties made = fixture(FROM);
        try (ServerProcess server = new ServerProcess(dir.resolve("data")).start()) {
            servesAndFinishes(server, made);
        }
    }

    /**
     * The same on PostgreSQL: the schema and rows the earlier release made there (its Flyway history included), loaded
     * from the fixture's pg_dump into a new database of the embedded PostgreSQL; the current code migrates it at start.
     */
    @Test
    void theCurrentCodeMigratesAPostgresqlSchemaAnEarlierReleaseMade() throws Exception {
        Properties made = fixture(FROM + "-postgres");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres")); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE upgraded");
            }
            try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "upgraded")); Statement st = c.createStatement()) {
                st.execute(sqlOf(dir.resolve("postgres.sql")));
            }
            String db = "postgresql://postgres:@127.0.0.1:" + pg.getPort() + "/upgraded";
            try (ServerProcess server = new ServerProcess(dir.resolve("data")).withEnv(Map.of("MEDIAUP_DB", db)).start()) {
                servesAndFinishes(server, made);
            }
            try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "upgraded")); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE NOT success")) {
                assertThat(rs.next() && rs.getInt(1) == 0).as("every migration applied").isTrue();
            }
        }
    }

    /** The fixture's properties, its tarball unpacked into {@link #dir}. */
    private Properties fixture(String name) throws Exception {
        Properties made = new Properties();
        try (InputStream in = UpgradeIT.class.getResourceAsStream("/upgrade/" + name + ".properties")) {
            made.load(in);
        }
        Path tarball = Path.of("src/test/resources/upgrade/" + name + ".tar.gz").toAbsolutePath();
        DistIT.ok(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()));
        return made;
    }

    /**
     * A pg_dump file as one script JDBC runs: without its comments and psql's own commands (the {@code \restrict}
     * lines newer pg_dump versions write), which are not SQL.
     */
    private static String sqlOf(Path dump) throws Exception {
        return Files.readAllLines(dump).stream().filter(l -> !l.startsWith("\\") && !l.startsWith("--"))
                .collect(Collectors.joining("\n"));
    }

    private void servesAndFinishes(ServerProcess server, Properties made) throws Exception {
        Api api = new Api(server.baseUrl(), made.getProperty("token"));
        // what was done is still there and served
        for (String key : List.of(made.getProperty("picture.key"), made.getProperty("video.key"))) {
            JsonNode media = api.get("/2/media/" + key + "?media.fields=url,variants").data();
            assertThat(media.get("media_key").asString()).isEqualTo(key);
        }
        JsonNode picture = api.get("/2/media/" + made.getProperty("picture.key") + "?media.fields=url").data();
        String url = picture.get("url").asString();
        assertThat(api.as(null).get(url.substring(url.indexOf("/media/"))).status()).isEqualTo(200);
        JsonNode video = api.get("/2/media/" + made.getProperty("video.key") + "?media.fields=variants").data();
        String rendition = video.get("variants").get(0).get("url").asString();
        assertThat(api.as(null).get(rendition.substring(rendition.indexOf("/media/"))).body()).isNotEmpty();

        // the job the old server queued as it died runs on the new one
        String queued = made.getProperty("queued.id");
        assertThat(api.awaitProcessed(queued, Duration.ofSeconds(120)).get("processing_info").get("state").asString())
                .isEqualTo("succeeded");

        // the upload left with two of its three segments takes the third and finishes
        String unfinished = made.getProperty("unfinished.id");
        assertThat(api.get("/2/media/upload/" + unfinished + "/segments").data().get("segments")).hasSize(2);
        byte[] clip = Files.readAllBytes(dir.resolve("clip.mp4"));
        int third = Integer.parseInt(made.getProperty("unfinished.segment.bytes"));
        assertThat(api.append(unfinished, 2, Arrays.copyOfRange(clip, 2 * third, clip.length)).status()).isEqualTo(200);
        assertThat(api.finalizeUpload(unfinished).status()).isEqualTo(200);
        JsonNode done = api.awaitProcessed(unfinished, Duration.ofSeconds(120));
        assertThat(done.get("processing_info").get("state").asString()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.get("size").asLong()).isEqualTo(clip.length);
    }
}
