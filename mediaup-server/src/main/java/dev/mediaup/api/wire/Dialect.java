package dev.mediaup.api.wire;

import dev.mediaup.core.Problem;
import io.javalin.http.Context;

/**
 * The wire a request speaks, which decides how its failures are written: X v2's problem JSON — also tus, delivery and
 * mediaup's extensions — or the retired v1.1 API's {@code {"errors":[{"code","message"}]}}. Decided in one place, from
 * where the request was sent, so no handler chooses a rendering of its own.
 */
public enum Dialect {
    V2 {
        @Override
        public void render(Context ctx, Problem p) {
            Wire.problem(ctx, p);
        }
    },
    V1_1 {
        @Override
        public void render(Context ctx, Problem p) {
            Wire.v11Error(ctx, p);
        }
    };

    /** Where the v1.1 API lives. */
    public static final String V11_PREFIX = "/1.1/";

    public abstract void render(Context ctx, Problem p);

    public static Dialect of(Context ctx) {
        return ctx.path().startsWith(V11_PREFIX) ? V1_1 : V2;
    }
}
