package dev.mediaup.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/** A {@code --…-secs} option's value: whole seconds (the flag names say so), as a Duration. */
final class Seconds implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number of seconds");
        }
    }
}
