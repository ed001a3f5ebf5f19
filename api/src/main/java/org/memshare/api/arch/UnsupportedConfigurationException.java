package org.memshare.api.arch;

/** An arch plugin cannot honour a configuration; the message says what it supports. */
public final class UnsupportedConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnsupportedConfigurationException(String message) {
        super(message);
    }
}
