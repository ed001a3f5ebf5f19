package org.memshare.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.memshare.trace.LineFormat;
import org.memshare.trace.ReplayLine;

/**
 * The JSON Lines that {@code replay --json} and {@code check --json} write (docs/json.md): one
 * object per line, written with Jackson's streaming generator from named fields (maps, lists,
 * strings, numbers, booleans and null).
 */
final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private Json() {
    }

    /**
     * {@code replay --json}: each output line as the object of {@link ReplayLine#fields()}. One
     * generator serves every line of a replay (making one per line cost more than the replay), so
     * each replay needs a format of its own.
     */
    static LineFormat lines() {
        Target target = new Target();
        JsonGenerator json;
        try {
            json = FACTORY.createGenerator(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // nothing is written yet
        }
        json.setRootValueSeparator(null);
        return (line, out) -> {
            target.out = out;
            try {
                write(json, line.fields());
                json.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the target appends to memory
            }
            out.append('\n');
        };
    }

    /** A writer onto whichever buffer the replay hands the format for the current line. */
    private static final class Target extends Writer {
        StringBuilder out;

        @Override
        public void write(char[] buffer, int offset, int length) {
            out.append(buffer, offset, length);
        }

        @Override
        public void write(String text, int offset, int length) {
            out.append(text, offset, offset + length);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** {@code fields} as one line of JSON, without a line feed. */
    static String object(Map<String, ?> fields) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(text)) {
            write(json, fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    private static void write(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.writeFieldName(entry.getKey().toString());
                write(json, entry.getValue());
            }
            json.writeEndObject();
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object element : list) {
                write(json, element);
            }
            json.writeEndArray();
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else if (value instanceof Integer number) {
            json.writeNumber(number);
        } else if (value instanceof Long number) {
            // Every count in the schema is unsigned 64-bit, as in the trace.
            if (number >= 0) {
                json.writeNumber(number);
            } else {
                json.writeNumber(new BigInteger(Long.toUnsignedString(number)));
            }
        } else {
            json.writeString(value.toString());
        }
    }
}
