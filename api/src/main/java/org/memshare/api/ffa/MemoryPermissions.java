package org.memshare.api.ffa;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/**
 * The memory access permissions byte of an endpoint access descriptor.
 *
 * <pre>
 * bits 7-4  not defined; kept as given (Hafnium ignores them)
 * bits 3-2  instruction access: 0 not specified, 1 NX, 2 X, 3 reserved
 * bits 1-0  data access:        0 not specified, 1 RO, 2 RW, 3 reserved
 * </pre>
 *
 * <p>Prints as the trace language writes it: {@code RW+NX}, {@code RO}, {@code X}, {@code -} when
 * nothing is specified; a reserved field prints as {@code data?} or {@code instr?}, and undefined
 * high bits are appended in hex.
 *
 * @param value the raw byte, 0 to 0xff
 */
public record MemoryPermissions(int value) {

    /** Data access, bits 1-0. */
    public enum DataAccess {
        /** 0: not specified (inherits from the sender's mode). */
        NOT_SPECIFIED,
        /** 1: read-only. */
        RO,
        /** 2: read-write. */
        RW,
        /** 3: reserved. */
        RESERVED;

        /** The two-bit field value. */
        public int code() {
            return ordinal();
        }
    }

    /** Instruction access, bits 3-2. */
    public enum InstructionAccess {
        /** 0: not specified (inherits from the sender's mode). */
        NOT_SPECIFIED,
        /** 1: not executable. */
        NX,
        /** 2: executable. */
        X,
        /** 3: reserved. */
        RESERVED;

        /** The two-bit field value. */
        public int code() {
            return ordinal();
        }
    }

    /** Nothing specified (0). */
    public static final MemoryPermissions UNSPECIFIED = new MemoryPermissions(0);
    /** RO (0x1). */
    public static final MemoryPermissions RO = of(DataAccess.RO, InstructionAccess.NOT_SPECIFIED);
    /** RW (0x2). */
    public static final MemoryPermissions RW = of(DataAccess.RW, InstructionAccess.NOT_SPECIFIED);
    /** RW+NX (0x6). */
    public static final MemoryPermissions RW_NX = of(DataAccess.RW, InstructionAccess.NX);
    /** RO+NX (0x5). */
    public static final MemoryPermissions RO_NX = of(DataAccess.RO, InstructionAccess.NX);

    private static final int DATA_MASK = 0x3;
    private static final int INSTRUCTION_SHIFT = 2;
    private static final int UNDEFINED_MASK = 0xf0;

    public MemoryPermissions {
        if (value < 0 || value > 0xff) {
            throw new IllegalArgumentException("value must be a byte (0 to 0xff), was 0x" + Integer.toHexString(value));
        }
    }

    /** The permissions made of these two fields, high bits zero. */
    public static MemoryPermissions of(DataAccess data, InstructionAccess instruction) {
        requireNonNull(data, "data is null");
        requireNonNull(instruction, "instruction is null");
        return new MemoryPermissions(instruction.code() << INSTRUCTION_SHIFT | data.code());
    }

    /**
     * Parses the trace language's PERM: a number (decimal or 0x hex, one byte), {@code -}
     * (unspecified), or {@code ro}/{@code rw} optionally followed by {@code +x} or {@code +nx};
     * {@code x} and {@code nx} alone set only the instruction access. Case does not matter.
     * Empty for anything else.
     */
    public static Optional<MemoryPermissions> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals("-")) {
            return Optional.of(UNSPECIFIED);
        }
        if (Character.isDigit(t.charAt(0))) {
            return parseNumber(t).map(MemoryPermissions::new);
        }
        DataAccess data = DataAccess.NOT_SPECIFIED;
        InstructionAccess instruction = InstructionAccess.NOT_SPECIFIED;
        String[] parts = t.split("\\+", -1);
        if (parts.length > 2) {
            return Optional.empty();
        }
        for (int i = 0; i < parts.length; i++) {
            switch (parts[i]) {
                case "ro", "rw" -> {
                    if (i != 0) {
                        return Optional.empty();
                    }
                    data = parts[i].equals("ro") ? DataAccess.RO : DataAccess.RW;
                }
                case "x", "nx" -> {
                    if (instruction != InstructionAccess.NOT_SPECIFIED) {
                        return Optional.empty();
                    }
                    instruction = parts[i].equals("x") ? InstructionAccess.X : InstructionAccess.NX;
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(of(data, instruction));
    }

    /** Bits 1-0. */
    public DataAccess dataAccess() {
        return DataAccess.values()[value & DATA_MASK];
    }

    /** Bits 3-2. */
    public InstructionAccess instructionAccess() {
        return InstructionAccess.values()[value >>> INSTRUCTION_SHIFT & DATA_MASK];
    }

    /** Bits 7-4, which FF-A does not define (0 in a well-formed descriptor). */
    public int undefinedBits() {
        return value & UNDEFINED_MASK;
    }

    /** The same permissions with the data access replaced. */
    public MemoryPermissions withDataAccess(DataAccess data) {
        requireNonNull(data, "data is null");
        return new MemoryPermissions(value & ~DATA_MASK | data.code());
    }

    /** The same permissions with the instruction access replaced. */
    public MemoryPermissions withInstructionAccess(InstructionAccess instruction) {
        requireNonNull(instruction, "instruction is null");
        return new MemoryPermissions(value & ~(DATA_MASK << INSTRUCTION_SHIFT) | instruction.code() << INSTRUCTION_SHIFT);
    }

    /** {@code RW+NX}, {@code RO}, {@code NX}, {@code -}; see the class documentation. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        switch (dataAccess()) {
            case RO -> s.append("RO");
            case RW -> s.append("RW");
            case RESERVED -> s.append("data?");
            case NOT_SPECIFIED -> { }
        }
        String instruction = switch (instructionAccess()) {
            case NX -> "NX";
            case X -> "X";
            case RESERVED -> "instr?";
            case NOT_SPECIFIED -> "";
        };
        if (!instruction.isEmpty()) {
            s.append(s.length() == 0 ? "" : "+").append(instruction);
        }
        if (s.length() == 0) {
            s.append('-');
        }
        if (undefinedBits() != 0) {
            s.append("+0x").append(Integer.toHexString(undefinedBits()));
        }
        return s.toString();
    }

    static Optional<Integer> parseNumber(String t) {
        try {
            int v = t.startsWith("0x") ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
            return v < 0 || v > 0xff ? Optional.empty() : Optional.of(v);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
