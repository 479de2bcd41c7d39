// Server-side half of "uploading from a browser": your backend, which holds a mediaup user token, asks for an upload
// grant and hands only the grant's token to the browser (or app). The browser can then run exactly that many uploads,
// of that kind, within those caps — and nothing else.
//
// Run (JDK 25, the SDK on the class path):
//   java -cp mediaup-client/target/classes:$(cat mediaup-client/target/classpath.txt) examples/CreateGrant.java \
//        http://127.0.0.1:8080 mu_yourUserToken https://app.example.com
import dev.mediaup.client.Grant;
import dev.mediaup.client.MediaClient;

public class CreateGrant {
    public static void main(String[] args) {
        String baseUrl = args[0], token = args[1], origin = args.length > 2 ? args[2] : null;
        MediaClient client = MediaClient.builder().baseUrl(baseUrl).bearerToken(token).build();
        Grant.Request request = Grant.Request.of("tweet_video")
                .mediaTypes("video/mp4", "video/quicktime")
                .maxBytes(512L << 20)          // 512 MiB per upload
                .maxDurationSecs(140)
                .uploads(1)
                .expiresInSecs(900);           // a quarter of an hour to start it
        if (origin != null) request.allowedOrigins(origin);
        Grant grant = client.grants().create(request);
        // hand these to the page: it uploads with Authorization: Bearer <token> (X's endpoints or tus at /files/)
        System.out.println("{\"grant_id\":\"" + grant.id() + "\",\"token\":\"" + grant.token() + "\",\"expires_at\":" + grant.expiresAt() + "}");
        // later, the backend finds what was uploaded with it
        System.out.println("uploads so far: " + client.grants().get(grant.id()).uploads());
    }
}
