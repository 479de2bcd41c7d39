package dev.mediaup.boot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;
import org.sqlite.util.OSInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Points sqlite-jdbc at one copy of its native library in mediaup's cache dir. Left to itself the driver unpacks a
 * fresh copy into {@code java.io.tmpdir} at every start, under a random name, and sweeps that directory for the copies
 * other JVMs left: a server killed with -9 leaves its 1 MiB copy behind for good, and two processes starting at once
 * race to delete the same stale file — the loser logs an ERROR with a stack trace (xerial/sqlite-jdbc#1088). Here the
 * library is copied once per driver version (written aside and renamed, so concurrent first starts never load half a
 * file), loaded from there, and the driver's sweep looks only in that directory, where nothing matches it.
 */
final class SqliteNative {
    private static final Logger log = LoggerFactory.getLogger(SqliteNative.class);
    private static final String PATH = "org.sqlite.lib.path", NAME = "org.sqlite.lib.name", SWEPT = "org.sqlite.tmpdir";

    private SqliteNative() {}

    /** Before the first SQLite connection; an operator's own {@code -Dorg.sqlite.lib.path} wins. */
    static synchronized void useCopyIn(Path cacheRoot) {
        if (System.getProperty(PATH) != null) return;
        String name = LibraryLoaderUtil.getNativeLibName();
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
        // the driver's sweep deletes files named sqlite-<version>…: this directory's name and contents never match it
        Path dir = cacheRoot.resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-"
                + OSInfo.getNativeLibFolderPathForCurrentOS().replace('/', '-'));
        Path lib = dir.resolve(name);
        try {
            if (!Files.isRegularFile(lib)) copy(resource, dir, lib);
        } catch (IOException e) {
            log.warn("cannot keep SQLite's native library in {} ({}); the driver unpacks it into {} instead", dir, e.toString(),
                    System.getProperty("java.io.tmpdir"));
            return;
        }
        System.setProperty(SWEPT, dir.toString());
        System.setProperty(PATH, dir.toString());
        System.setProperty(NAME, name);
    }

    private static void copy(String resource, Path dir, Path lib) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".extract", ".tmp");
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("the driver has no native library for this platform (" + resource + ")");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                // another process finished first: the same bytes
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
