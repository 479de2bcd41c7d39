package twitter4j;

/**
 * twitter4j 4.1.2 keeps the upload host in a package-private field with neither a setter nor a property key; a class
 * in its package is how a test points it at mediaup without modifying the library.
 */
public final class UploadBaseUrl {
    private UploadBaseUrl() {}

    public static <T extends Configuration<T>> T set(T configuration, String url) {
        configuration.uploadBaseURL = url;
        return configuration;
    }
}
