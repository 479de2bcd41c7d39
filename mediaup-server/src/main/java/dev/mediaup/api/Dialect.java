package dev.mediaup.api;

import dev.mediaup.core.Problem;
import io.javalin.http.Context;

/**
 * The wire a request speaks, which decides how its failures are written: X v2's problem JSON — also tus, delivery and
 * mediaup's extensions — or the retired v1.1 API's {@code {"errors":[{"code","message"}]}}. Decided in one place, from
 * where the request was sent, so no handler chooses a rendering of its own.
 */
enum Dialect {
    V2 {
        @Override
        void render(Context ctx, Problem p) {
            Wire.problem(ctx, p);
        }
    },
    V1_1 {
        @Override
        void render(Context ctx, Problem p) {
            V11.error(ctx, p);
        }
    };

    /** Where the v1.1 API lives. */
    static final String V11_PREFIX = "/1.1/";

    abstract void render(Context ctx, Problem p);

    static Dialect of(Context ctx) {
        return ctx.path().startsWith(V11_PREFIX) ? V1_1 : V2;
    }
}
