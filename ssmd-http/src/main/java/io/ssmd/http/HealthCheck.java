package io.ssmd.http;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** One thing {@code /v1/health} looks at (NATS, the database...). A check never blocks the caller. */
public interface HealthCheck {

    String name();

    CompletionStage<Result> check();

    static HealthCheck of(String name, Supplier<CompletionStage<Result>> probe) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CompletionStage<Result> check() {
                return probe.get();
            }
        };
    }

    /** @param detail what was seen, for a human; never a secret */
    record Result(boolean ok, String detail) {

        public static Result ok(String detail) {
            return new Result(true, detail);
        }

        public static Result failed(String detail) {
            return new Result(false, detail);
        }
    }
}
