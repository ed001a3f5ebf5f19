package org.memshare.policy;

import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;

/** A test policy: records what it is asked, runs a hook, and refuses with a set reason or allows. */
final class ProgrammablePolicy implements SharePolicy {
    private final List<ShareRequest> requests = new CopyOnWriteArrayList<>();
    private volatile Optional<String> answer;
    private volatile Consumer<ShareRequest> hook = request -> { };

    private ProgrammablePolicy(Optional<String> answer) {
        this.answer = answer;
    }

    /** A policy refusing everything with {@code reason}. */
    static ProgrammablePolicy refusing(String reason) {
        return new ProgrammablePolicy(Optional.of(reason));
    }

    /** A policy allowing everything. */
    static ProgrammablePolicy allowing() {
        return new ProgrammablePolicy(Optional.empty());
    }

    /** From now on, refuse with {@code reason}, or allow if it is empty. */
    void answer(Optional<String> next) {
        this.answer = next;
    }

    /** Runs {@code next} on every request, before answering. */
    void onRequest(Consumer<ShareRequest> next) {
        this.hook = next;
    }

    /** The requests seen so far. */
    List<ShareRequest> requests() {
        return List.copyOf(requests);
    }

    /** A module installing this very policy. */
    Module module() {
        return binder -> Multibinder.newSetBinder(binder, SharePolicy.class).addBinding().toInstance(this);
    }

    @Override
    public Optional<String> refusal(ShareRequest request) {
        requests.add(request);
        hook.accept(request);
        return answer;
    }
}
