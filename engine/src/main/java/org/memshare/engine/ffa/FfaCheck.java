package org.memshare.engine.ffa;

import static java.util.Objects.requireNonNull;

import org.memshare.api.ffa.FfaError;

/**
 * Every check the FF-A engine makes, with the error Hafnium main answers, listed per ABI in the
 * order the checks are made (the order of Hafnium's {@code api.c} and {@code ffa_memory.c}). A
 * refusal names its check ({@link FfaOutcome#check()}); the names are the JUnit test names and the
 * conformance kit's rule ids. Checks that Hafnium makes but that can never fail once the earlier
 * ones passed are not listed (docs/ffa.md names them). Where memshare answers differently from
 * Hafnium the description says so.
 */
public enum FfaCheck {
    /** The caller is not a VM of the machine (ids 1 to K): INVALID_PARAMETERS. */
    NOT_A_VM(Abi.ANY, FfaError.INVALID_PARAMETERS, "the caller is not a VM of the machine (ids 1 to K)"),
    /** The requested version has bit 31 set: NOT_SUPPORTED. */
    VERSION_BIT31(Abi.VERSION, FfaError.NOT_SUPPORTED, "the requested version has bit 31 set"),
    /** The requested version is not compatible with 1.3 (major 1, minor at most 3): NOT_SUPPORTED. */
    VERSION_INCOMPATIBLE(Abi.VERSION, FfaError.NOT_SUPPORTED, "the requested version is not compatible with 1.3 (major 1, minor at most 3)"),
    /** The VM has made another FF-A call and asks for a version other than its own: NOT_SUPPORTED. */
    VERSION_LOCKED(Abi.VERSION, FfaError.NOT_SUPPORTED, "the VM has made another FF-A call and asks for a version other than its own"),
    /** The fragment is longer than the total length: INVALID_PARAMETERS. */
    SEND_FRAGMENT_LONGER_THAN_TOTAL(Abi.SEND, FfaError.INVALID_PARAMETERS, "the fragment is longer than the total length"),
    /** The fragment is longer than the 4 KiB TX buffer: INVALID_PARAMETERS. */
    SEND_FRAGMENT_LONGER_THAN_TX_BUFFER(Abi.SEND, FfaError.INVALID_PARAMETERS, "the fragment is longer than the 4 KiB TX buffer"),
    /** The pool has no page for the copy of the descriptor: NO_MEMORY. */
    SEND_COPY_NO_MEMORY(Abi.SEND, FfaError.NO_MEMORY, "the pool has no page for the copy of the descriptor"),
    /** V1.0: the reserved byte at 3 or word at 24 is not zero: INVALID_PARAMETERS. */
    SEND_SANITY_V1_0_RESERVED(Abi.SEND, FfaError.INVALID_PARAMETERS, "v1.0: the reserved byte at 3 or word at 24 is not zero"),
    /** V1.1+: a reserved header word (36, 40, 44) is not zero: INVALID_PARAMETERS. */
    SEND_SANITY_RESERVED(Abi.SEND, FfaError.INVALID_PARAMETERS, "v1.1+: a reserved header word (36, 40, 44) is not zero"),
    /** V1.1+: the access descriptor size is not one the caller's version may use (16, or 32 from v1.2), or the receivers offset is below 48: INVALID_PARAMETERS. */
    SEND_SANITY_DESCRIPTOR_SIZE_OR_OFFSET(Abi.SEND, FfaError.INVALID_PARAMETERS, "v1.1+: the access descriptor size is not one the caller's version may use (16, or 32 from v1.2), or the receivers offset is below 48"),
    /** The receiver count is 0 or more than 2: INVALID_PARAMETERS. */
    SEND_SANITY_RECEIVER_COUNT(Abi.SEND, FfaError.INVALID_PARAMETERS, "the receiver count is 0 or more than 2"),
    /** The receivers end beyond the fragment (32-bit sum, as Hafnium): INVALID_PARAMETERS. */
    SEND_SANITY_RECEIVERS_BEYOND_FRAGMENT(Abi.SEND, FfaError.INVALID_PARAMETERS, "the receivers end beyond the fragment (32-bit sum, as Hafnium)"),
    /** Receiver 0's composite offset is 0, below 48 + size x count, or its 16-byte header ends beyond the fragment: INVALID_PARAMETERS. */
    SEND_SANITY_COMPOSITE_OFFSET(Abi.SEND, FfaError.INVALID_PARAMETERS, "receiver 0's composite offset is 0, below 48 + size x count, or its 16-byte header ends beyond the fragment"),
    /** A receiver's reserved word is not zero (at +8 for v1.0 and v1.1 callers, at +24 from v1.2, whatever the descriptor size): INVALID_PARAMETERS. */
    SEND_SANITY_RECEIVER_RESERVED(Abi.SEND, FfaError.INVALID_PARAMETERS, "a receiver's reserved word is not zero (at +8 for v1.0 and v1.1 callers, at +24 from v1.2, whatever the descriptor size)"),
    /** A receiver's composite offset differs from receiver 0's: INVALID_PARAMETERS. */
    SEND_SANITY_COMPOSITE_OFFSETS_DIFFER(Abi.SEND, FfaError.INVALID_PARAMETERS, "a receiver's composite offset differs from receiver 0's"),
    /** V1.0: the first fragment converted to the v1.1 layout is larger than 4 KiB: NOT_SUPPORTED. */
    SEND_V1_0_TOO_LARGE(Abi.SEND, FfaError.NOT_SUPPORTED, "v1.0: the first fragment converted to the v1.1 layout is larger than 4 KiB"),
    /** V1.0: the pool has no page for the conversion's scratch copy: NO_MEMORY. */
    SEND_V1_0_SCRATCH_NO_MEMORY(Abi.SEND, FfaError.NO_MEMORY, "v1.0: the pool has no page for the conversion's scratch copy"),
    /** Flag bits other than clear and time slice are set, or clear on a share: INVALID_PARAMETERS. */
    SEND_FLAGS(Abi.SEND, FfaError.INVALID_PARAMETERS, "flag bits other than clear and time slice are set, or clear on a share"),
    /** A donate has more than one receiver: INVALID_PARAMETERS. */
    SEND_DONATE_RECEIVER_COUNT(Abi.SEND, FfaError.INVALID_PARAMETERS, "a donate has more than one receiver"),
    /** A receiver is not a VM of the machine (no other world is modelled), or is the caller: INVALID_PARAMETERS. */
    SEND_RECEIVER_NOT_A_VM_OR_SELF(Abi.SEND, FfaError.INVALID_PARAMETERS, "a receiver is not a VM of the machine (no other world is modelled), or is the caller"),
    /** The fragment is shorter than the receivers offset + one descriptor + the composite header: INVALID_PARAMETERS. */
    SEND_FIRST_FRAGMENT_TOO_SHORT(Abi.SEND, FfaError.INVALID_PARAMETERS, "the fragment is shorter than the receivers offset + one descriptor + the composite header"),
    /** The fragment or total length is not a multiple of 16: INVALID_PARAMETERS. */
    SEND_LENGTHS_NOT_16_ALIGNED(Abi.SEND, FfaError.INVALID_PARAMETERS, "the fragment or total length is not a multiple of 16"),
    /** After the v1.0 conversion (32-bit lengths), the fragment is longer than the total: INVALID_PARAMETERS. */
    SEND_CONVERTED_FRAGMENT_LONGER_THAN_TOTAL(Abi.SEND, FfaError.INVALID_PARAMETERS, "after the v1.0 conversion (32-bit lengths), the fragment is longer than the total"),
    /** The descriptor's sender is not the caller: DENIED. */
    SEND_SENDER_NOT_CALLER(Abi.SEND, FfaError.DENIED, "the descriptor's sender is not the caller"),
    /** The total length leaves no room for the composite header and one constituent: INVALID_PARAMETERS. */
    SEND_TOTAL_TOO_SHORT(Abi.SEND, FfaError.INVALID_PARAMETERS, "the total length leaves no room for the composite header and one constituent"),
    /** The composite offset is inside the receivers, not 16-aligned, or its header passes the fragment: INVALID_PARAMETERS. */
    SEND_COMPOSITE_OFFSET(Abi.SEND, FfaError.INVALID_PARAMETERS, "the composite offset is inside the receivers, not 16-aligned, or its header passes the fragment"),
    /** The total length does not hold exactly the composite's constituent count: INVALID_PARAMETERS. */
    SEND_CONSTITUENT_COUNT(Abi.SEND, FfaError.INVALID_PARAMETERS, "the total length does not hold exactly the composite's constituent count"),
    /** A flag other than clear is set (time slice included): INVALID_PARAMETERS. */
    SEND_FLAGS_OTHER_THAN_CLEAR(Abi.SEND, FfaError.INVALID_PARAMETERS, "a flag other than clear is set (time slice included)"),
    /** A receiver is listed twice: INVALID_PARAMETERS. */
    SEND_RECEIVER_REPEATED(Abi.SEND, FfaError.INVALID_PARAMETERS, "a receiver is listed twice"),
    /** A receiver's data or instruction access is the reserved value 3: INVALID_PARAMETERS. */
    SEND_PERMISSIONS_RESERVED(Abi.SEND, FfaError.INVALID_PARAMETERS, "a receiver's data or instruction access is the reserved value 3"),
    /** A receiver's instruction access is specified (the sender may not): INVALID_PARAMETERS. */
    SEND_INSTRUCTION_ACCESS_SPECIFIED(Abi.SEND, FfaError.INVALID_PARAMETERS, "a receiver's instruction access is specified (the sender may not)"),
    /** A share leaves a receiver's data access unspecified: INVALID_PARAMETERS. */
    SEND_SHARE_DATA_ACCESS_UNSPECIFIED(Abi.SEND, FfaError.INVALID_PARAMETERS, "a share leaves a receiver's data access unspecified"),
    /** A lend leaves a receiver's data access unspecified: INVALID_PARAMETERS. */
    SEND_LEND_DATA_ACCESS_UNSPECIFIED(Abi.SEND, FfaError.INVALID_PARAMETERS, "a lend leaves a receiver's data access unspecified"),
    /** A donate specifies a receiver's data access: INVALID_PARAMETERS. */
    SEND_DONATE_DATA_ACCESS_SPECIFIED(Abi.SEND, FfaError.INVALID_PARAMETERS, "a donate specifies a receiver's data access"),
    /** The attributes' security field (bits 7-6) is not zero: INVALID_PARAMETERS. */
    SEND_SECURITY_STATE(Abi.SEND, FfaError.INVALID_PARAMETERS, "the attributes' security field (bits 7-6) is not zero"),
    /** A donate, or a lend to one borrower, specifies the memory type: INVALID_PARAMETERS. */
    SEND_MEMORY_TYPE_SPECIFIED(Abi.SEND, FfaError.INVALID_PARAMETERS, "a donate, or a lend to one borrower, specifies the memory type"),
    /** Normal memory not write-back, device memory not nGnRnE, or not inner shareable: DENIED. */
    SEND_ATTRIBUTES(Abi.SEND, FfaError.DENIED, "normal memory not write-back, device memory not nGnRnE, or not inner shareable"),
    /** All 100 share states are in use: NO_MEMORY. */
    SEND_SHARE_STATES_FULL(Abi.SEND, FfaError.NO_MEMORY, "all 100 share states are in use"),
    /** Two constituents overlap (Hafnium's pairwise check): INVALID_PARAMETERS. */
    SEND_OVERLAP(Abi.SEND, FfaError.INVALID_PARAMETERS, "two constituents overlap (Hafnium's pairwise check)"),
    /** The page counts do not add up (32-bit sum) to the composite's total: INVALID_PARAMETERS. */
    SEND_PAGE_COUNT(Abi.SEND, FfaError.INVALID_PARAMETERS, "the page counts do not add up (32-bit sum) to the composite's total"),
    /** The first fragment holds no constituent: INVALID_PARAMETERS. */
    SEND_NO_CONSTITUENTS(Abi.SEND, FfaError.INVALID_PARAMETERS, "the first fragment holds no constituent"),
    /** A constituent's start or end is not 4 KiB aligned: INVALID_PARAMETERS. */
    SEND_UNALIGNED(Abi.SEND, FfaError.INVALID_PARAMETERS, "a constituent's start or end is not 4 KiB aligned"),
    /** A constituent is not mapped with one mode in the sender: DENIED. */
    SEND_NOT_ONE_MODE(Abi.SEND, FfaError.DENIED, "a constituent is not mapped with one mode in the sender"),
    /** Constituents have different modes in the sender (memshare compares every one): DENIED. */
    SEND_MIXED_MODES(Abi.SEND, FfaError.DENIED, "constituents have different modes in the sender (memshare compares every one)"),
    /** Device memory sent with the normal memory type: DENIED. */
    SEND_DEVICE_AS_NORMAL(Abi.SEND, FfaError.DENIED, "device memory sent with the normal memory type"),
    /** Device memory sent other than lent to one borrower: DENIED. */
    SEND_DEVICE_NOT_SINGLE_LEND(Abi.SEND, FfaError.DENIED, "device memory sent other than lent to one borrower"),
    /** The sender does not own the memory with exclusive access: DENIED. */
    SEND_NOT_OWNER_EXCLUSIVE(Abi.SEND, FfaError.DENIED, "the sender does not own the memory with exclusive access"),
    /** Clear asked of memory the sender cannot write: DENIED. */
    SEND_CLEAR_WITHOUT_WRITE(Abi.SEND, FfaError.DENIED, "clear asked of memory the sender cannot write"),
    /** A receiver's permissions ask for more than the sender has: DENIED. */
    SEND_PERMISSIONS_EXCEED_SENDER(Abi.SEND, FfaError.DENIED, "a receiver's permissions ask for more than the sender has"),
    /** A sharing policy refused the send: DENIED. */
    SEND_POLICY(Abi.SEND, FfaError.DENIED, "a sharing policy refused the send"),
    /** A constituent starts or ends at or beyond the PA range (while preparing): INVALID_PARAMETERS. */
    SEND_BEYOND_PA_RANGE(Abi.SEND, FfaError.INVALID_PARAMETERS, "a constituent starts or ends at or beyond the PA range (while preparing)"),
    /** The pool ran out preparing the sender's table: NO_MEMORY. */
    SEND_PREPARE_NO_MEMORY(Abi.SEND, FfaError.NO_MEMORY, "the pool ran out preparing the sender's table"),
    /** The pool ran out clearing the memory (the sender is put back): NO_MEMORY. */
    SEND_CLEAR_NO_MEMORY(Abi.SEND, FfaError.NO_MEMORY, "the pool ran out clearing the memory (the sender is put back)"),
    /** The sender id argument is not zero: INVALID_PARAMETERS. */
    FRAG_TX_SENDER_ID(Abi.FRAG_TX, FfaError.INVALID_PARAMETERS, "the sender id argument is not zero"),
    /** The fragment is longer than the 4 KiB TX buffer: INVALID_PARAMETERS. */
    FRAG_TX_LONGER_THAN_TX_BUFFER(Abi.FRAG_TX, FfaError.INVALID_PARAMETERS, "the fragment is longer than the 4 KiB TX buffer"),
    /** The fragment is shorter than 16 bytes or not a multiple of 16: INVALID_PARAMETERS. */
    FRAG_TX_LENGTH(Abi.FRAG_TX, FfaError.INVALID_PARAMETERS, "the fragment is shorter than 16 bytes or not a multiple of 16"),
    /** The pool has no page for the copy of the fragment: NO_MEMORY. */
    FRAG_TX_COPY_NO_MEMORY(Abi.FRAG_TX, FfaError.NO_MEMORY, "the pool has no page for the copy of the fragment"),
    /** The handle was not allocated by the hypervisor (Hafnium forwards it to the SPMC; none is modelled): INVALID_PARAMETERS. */
    FRAG_TX_OTHER_WORLD_HANDLE(Abi.FRAG_TX, FfaError.INVALID_PARAMETERS, "the handle was not allocated by the hypervisor (Hafnium forwards it to the SPMC; none is modelled)"),
    /** No share state has the handle: INVALID_PARAMETERS. */
    FRAG_TX_UNKNOWN_HANDLE(Abi.FRAG_TX, FfaError.INVALID_PARAMETERS, "no share state has the handle"),
    /** The caller is not the transaction's sender: INVALID_PARAMETERS. */
    FRAG_TX_NOT_SENDER(Abi.FRAG_TX, FfaError.INVALID_PARAMETERS, "the caller is not the transaction's sender"),
    /** The send is already complete: INVALID_PARAMETERS. */
    FRAG_TX_SEND_COMPLETE(Abi.FRAG_TX, FfaError.INVALID_PARAMETERS, "the send is already complete"),
    /** The transaction already has 20 fragments (its share state is freed): NO_MEMORY. */
    FRAG_TX_TOO_MANY_FRAGMENTS(Abi.FRAG_TX, FfaError.NO_MEMORY, "the transaction already has 20 fragments (its share state is freed)"),
    /** The fragment length differs from the total (fragmented requests are not supported): INVALID_PARAMETERS. */
    RETRIEVE_FRAGMENTED(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the fragment length differs from the total (fragmented requests are not supported)"),
    /** The request is longer than the 4 KiB mailbox: INVALID_PARAMETERS. */
    RETRIEVE_TOO_LONG(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the request is longer than the 4 KiB mailbox"),
    /** The caller's RX buffer still holds a message: BUSY. */
    RETRIEVE_RX_BUSY(Abi.RETRIEVE, FfaError.BUSY, "the caller's RX buffer still holds a message"),
    /** V1.0: the reserved byte at 3 or word at 24 is not zero: INVALID_PARAMETERS. */
    RETRIEVE_SANITY_V1_0_RESERVED(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "v1.0: the reserved byte at 3 or word at 24 is not zero"),
    /** V1.1+: a reserved header word is not zero: INVALID_PARAMETERS. */
    RETRIEVE_SANITY_RESERVED(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "v1.1+: a reserved header word is not zero"),
    /** V1.1+: the access descriptor size is not one the caller's version may use, or the receivers offset is below 48: INVALID_PARAMETERS. */
    RETRIEVE_SANITY_DESCRIPTOR_SIZE_OR_OFFSET(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "v1.1+: the access descriptor size is not one the caller's version may use, or the receivers offset is below 48"),
    /** The receiver count is more than 2: INVALID_PARAMETERS. */
    RETRIEVE_SANITY_RECEIVER_COUNT(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the receiver count is more than 2"),
    /** The receivers end beyond the request (32-bit sum): INVALID_PARAMETERS. */
    RETRIEVE_SANITY_RECEIVERS_BEYOND_FRAGMENT(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the receivers end beyond the request (32-bit sum)"),
    /** Receiver 0's composite offset is not 0: INVALID_PARAMETERS. */
    RETRIEVE_SANITY_COMPOSITE_OFFSET(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "receiver 0's composite offset is not 0"),
    /** A receiver's reserved word is not zero: INVALID_PARAMETERS. */
    RETRIEVE_SANITY_RECEIVER_RESERVED(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "a receiver's reserved word is not zero"),
    /** A receiver's composite offset differs from receiver 0's: INVALID_PARAMETERS. */
    RETRIEVE_SANITY_COMPOSITE_OFFSETS_DIFFER(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "a receiver's composite offset differs from receiver 0's"),
    /** V1.0: the pool has no page for the conversion's scratch copy: NO_MEMORY. */
    RETRIEVE_V1_0_SCRATCH_NO_MEMORY(Abi.RETRIEVE, FfaError.NO_MEMORY, "v1.0: the pool has no page for the conversion's scratch copy"),
    /** A request without receivers has a field other than the handle set, or a handle not allocated by the hypervisor: INVALID_PARAMETERS. */
    RETRIEVE_HYPERVISOR_REQUEST_FIELDS(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "a request without receivers has a field other than the handle set, or a handle not allocated by the hypervisor"),
    /** The handle was not allocated by the hypervisor: INVALID_PARAMETERS. */
    RETRIEVE_OTHER_WORLD_HANDLE(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the handle was not allocated by the hypervisor"),
    /** No share state has the handle: INVALID_PARAMETERS. */
    RETRIEVE_UNKNOWN_HANDLE(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "no share state has the handle"),
    /** A hypervisor retrieve request (no receivers) from a VM (Hafnium asserts): NOT_SUPPORTED. */
    RETRIEVE_HYPERVISOR_REQUEST(Abi.RETRIEVE, FfaError.NOT_SUPPORTED, "a hypervisor retrieve request (no receivers) from a VM (Hafnium asserts)"),
    /** The send is not complete: INVALID_PARAMETERS. */
    RETRIEVE_NOT_FULLY_SENT(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the send is not complete"),
    /** The length is not receivers offset + count x size (32-bit): INVALID_PARAMETERS. */
    RETRIEVE_LENGTH(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the length is not receivers offset + count x size (32-bit)"),
    /** The request names another sender: DENIED. */
    RETRIEVE_SENDER_MISMATCH(Abi.RETRIEVE, FfaError.DENIED, "the request names another sender"),
    /** The transaction type is given and differs from the send's: INVALID_PARAMETERS. */
    RETRIEVE_TRANSACTION_TYPE(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the transaction type is given and differs from the send's"),
    /** The tag differs from the send's: INVALID_PARAMETERS. */
    RETRIEVE_TAG(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the tag differs from the send's"),
    /** The caller is not one of the send's receivers: INVALID_PARAMETERS. */
    RETRIEVE_CALLER_NOT_BORROWER(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the caller is not one of the send's receivers"),
    /** Flag bit 9 (address range hint valid) is set: INVALID_PARAMETERS. */
    RETRIEVE_HINT_VALID(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "flag bit 9 (address range hint valid) is set"),
    /** Flag bits 8-5 (address range hint) are not zero: INVALID_PARAMETERS. */
    RETRIEVE_HINT(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "flag bits 8-5 (address range hint) are not zero"),
    /** Flag bits 31-11 are not zero: INVALID_PARAMETERS. */
    RETRIEVE_FLAGS_MBZ(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "flag bits 31-11 are not zero"),
    /** Clear or clear-on-relinquish asked of a share: INVALID_PARAMETERS. */
    RETRIEVE_CLEAR_ON_SHARE(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "clear or clear-on-relinquish asked of a share"),
    /** Clear asked, and the sender did not clear: DENIED. */
    RETRIEVE_CLEAR_NOT_SENT(Abi.RETRIEVE, FfaError.DENIED, "clear asked, and the sender did not clear"),
    /** The attributes' security field is not zero: INVALID_PARAMETERS. */
    RETRIEVE_SECURITY_STATE(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the attributes' security field is not zero"),
    /** The memory type is given and the attributes are not normal write-back / device nGnRnE, inner shareable: DENIED. */
    RETRIEVE_ATTRIBUTES(Abi.RETRIEVE, FfaError.DENIED, "the memory type is given and the attributes are not normal write-back / device nGnRnE, inner shareable"),
    /** Without the bypass flag, the request lists another number of receivers than the send: INVALID_PARAMETERS. */
    RETRIEVE_RECEIVER_COUNT_MISMATCH(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "without the bypass flag, the request lists another number of receivers than the send"),
    /** With the bypass flag, the request lists more than one receiver: INVALID_PARAMETERS. */
    RETRIEVE_BYPASS_RECEIVER_COUNT(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "with the bypass flag, the request lists more than one receiver"),
    /** The bypass flag on a transaction with one borrower: INVALID_PARAMETERS. */
    RETRIEVE_BYPASS_SINGLE_BORROWER(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the bypass flag on a transaction with one borrower"),
    /** The request lists a receiver the send does not: DENIED. */
    RETRIEVE_RECEIVER_NOT_BORROWER(Abi.RETRIEVE, FfaError.DENIED, "the request lists a receiver the send does not"),
    /** A receiver asks for RW (or the reserved value) where the sender gave RO: DENIED. */
    RETRIEVE_DATA_ACCESS(Abi.RETRIEVE, FfaError.DENIED, "a receiver asks for RW (or the reserved value) where the sender gave RO"),
    /** A share retrieve specifies an instruction access: INVALID_PARAMETERS. */
    RETRIEVE_SHARE_INSTRUCTION_ACCESS(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "a share retrieve specifies an instruction access"),
    /** A retrieve of a lend to several borrowers specifies an instruction access: INVALID_PARAMETERS. */
    RETRIEVE_MULTI_LEND_INSTRUCTION_ACCESS(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "a retrieve of a lend to several borrowers specifies an instruction access"),
    /** A retrieve of a donate or a lend to one borrower leaves the instruction access unspecified: INVALID_PARAMETERS. */
    RETRIEVE_INSTRUCTION_ACCESS_UNSPECIFIED(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "a retrieve of a donate or a lend to one borrower leaves the instruction access unspecified"),
    /** A receiver asks for an instruction access the sender did not give: DENIED. */
    RETRIEVE_INSTRUCTION_ACCESS(Abi.RETRIEVE, FfaError.DENIED, "a receiver asks for an instruction access the sender did not give"),
    /** Clear or clear-on-relinquish asked by a caller granted RO: DENIED. */
    RETRIEVE_CLEAR_READ_ONLY(Abi.RETRIEVE, FfaError.DENIED, "clear or clear-on-relinquish asked by a caller granted RO"),
    /** V1.2 send and request: a receiver's impdef words differ: INVALID_PARAMETERS. */
    RETRIEVE_IMPDEF(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "v1.2 send and request: a receiver's impdef words differ"),
    /** The request does not list the caller: INVALID_PARAMETERS. */
    RETRIEVE_CALLER_NOT_IN_REQUEST(Abi.RETRIEVE, FfaError.INVALID_PARAMETERS, "the request does not list the caller"),
    /** Device memory (by mode or sent type) retrieved as normal memory: DENIED. */
    RETRIEVE_DEVICE_AS_NORMAL(Abi.RETRIEVE, FfaError.DENIED, "device memory (by mode or sent type) retrieved as normal memory"),
    /** The first stored fragment does not fit the response in the caller's layout (Hafnium panics): NOT_SUPPORTED. */
    RETRIEVE_RESPONSE_TOO_LARGE(Abi.RETRIEVE, FfaError.NOT_SUPPORTED, "the first stored fragment does not fit the response in the caller's layout (Hafnium panics)"),
    /** A constituent is not mapped with one mode in the caller: DENIED. */
    RETRIEVE_NOT_ONE_MODE(Abi.RETRIEVE, FfaError.DENIED, "a constituent is not mapped with one mode in the caller"),
    /** Constituents have different modes in the caller: DENIED. */
    RETRIEVE_MIXED_MODES(Abi.RETRIEVE, FfaError.DENIED, "constituents have different modes in the caller"),
    /** The caller (not the primary VM) has the memory mapped: DENIED. */
    RETRIEVE_NOT_UNMAPPED(Abi.RETRIEVE, FfaError.DENIED, "the caller (not the primary VM) has the memory mapped"),
    /** A sharing policy refused the retrieve: DENIED. */
    RETRIEVE_POLICY(Abi.RETRIEVE, FfaError.DENIED, "a sharing policy refused the retrieve"),
    /** The pool ran out preparing the caller's table: NO_MEMORY. */
    RETRIEVE_PREPARE_NO_MEMORY(Abi.RETRIEVE, FfaError.NO_MEMORY, "the pool ran out preparing the caller's table"),
    /** The sender id argument is not zero: INVALID_PARAMETERS. */
    FRAG_RX_SENDER_ID(Abi.FRAG_RX, FfaError.INVALID_PARAMETERS, "the sender id argument is not zero"),
    /** The caller's RX buffer still holds a message: BUSY. */
    FRAG_RX_RX_BUSY(Abi.FRAG_RX, FfaError.BUSY, "the caller's RX buffer still holds a message"),
    /** No share state has the handle: INVALID_PARAMETERS. */
    FRAG_RX_UNKNOWN_HANDLE(Abi.FRAG_RX, FfaError.INVALID_PARAMETERS, "no share state has the handle"),
    /** The send is not complete: INVALID_PARAMETERS. */
    FRAG_RX_NOT_FULLY_SENT(Abi.FRAG_RX, FfaError.INVALID_PARAMETERS, "the send is not complete"),
    /** The caller is not one of the send's receivers: INVALID_PARAMETERS. */
    FRAG_RX_NOT_BORROWER(Abi.FRAG_RX, FfaError.INVALID_PARAMETERS, "the caller is not one of the send's receivers"),
    /** The caller has not started, or has finished, retrieving: INVALID_PARAMETERS. */
    FRAG_RX_NOT_IN_PROGRESS(Abi.FRAG_RX, FfaError.INVALID_PARAMETERS, "the caller has not started, or has finished, retrieving"),
    /** The offset is not where the caller's response stopped: INVALID_PARAMETERS. */
    FRAG_RX_OFFSET(Abi.FRAG_RX, FfaError.INVALID_PARAMETERS, "the offset is not where the caller's response stopped"),
    /** The RX buffer holds nothing: DENIED. */
    RX_RELEASE_EMPTY(Abi.RX_RELEASE, FfaError.DENIED, "the RX buffer holds nothing"),
    /** The endpoint count is not 1: INVALID_PARAMETERS. */
    RELINQUISH_ENDPOINT_COUNT(Abi.RELINQUISH, FfaError.INVALID_PARAMETERS, "the endpoint count is not 1"),
    /** The endpoint is not the caller: INVALID_PARAMETERS. */
    RELINQUISH_NOT_CALLER(Abi.RELINQUISH, FfaError.INVALID_PARAMETERS, "the endpoint is not the caller"),
    /** No share state has the handle: INVALID_PARAMETERS. */
    RELINQUISH_UNKNOWN_HANDLE(Abi.RELINQUISH, FfaError.INVALID_PARAMETERS, "no share state has the handle"),
    /** The send is not complete: INVALID_PARAMETERS. */
    RELINQUISH_NOT_FULLY_SENT(Abi.RELINQUISH, FfaError.INVALID_PARAMETERS, "the send is not complete"),
    /** The caller is not one of the send's receivers: INVALID_PARAMETERS. */
    RELINQUISH_NOT_BORROWER(Abi.RELINQUISH, FfaError.INVALID_PARAMETERS, "the caller is not one of the send's receivers"),
    /** The caller has not retrieved every fragment: INVALID_PARAMETERS. */
    RELINQUISH_NOT_RETRIEVED(Abi.RELINQUISH, FfaError.INVALID_PARAMETERS, "the caller has not retrieved every fragment"),
    /** Clear asked of a share (by the last borrower): INVALID_PARAMETERS. */
    RELINQUISH_CLEAR_SHARE(Abi.RELINQUISH, FfaError.INVALID_PARAMETERS, "clear asked of a share (by the last borrower)"),
    /** Clear asked (by the last borrower) of memory sent RO: DENIED. */
    RELINQUISH_CLEAR_READ_ONLY(Abi.RELINQUISH, FfaError.DENIED, "clear asked (by the last borrower) of memory sent RO"),
    /** A constituent is not mapped with one mode in the caller: DENIED. */
    RELINQUISH_NOT_ONE_MODE(Abi.RELINQUISH, FfaError.DENIED, "a constituent is not mapped with one mode in the caller"),
    /** Constituents have different modes in the caller: DENIED. */
    RELINQUISH_MIXED_MODES(Abi.RELINQUISH, FfaError.DENIED, "constituents have different modes in the caller"),
    /** The caller is not a borrower with access (UNOWNED, valid): DENIED. */
    RELINQUISH_NOT_BORROWER_STATE(Abi.RELINQUISH, FfaError.DENIED, "the caller is not a borrower with access (UNOWNED, valid)"),
    /** A sharing policy refused the relinquish: DENIED. */
    RELINQUISH_POLICY(Abi.RELINQUISH, FfaError.DENIED, "a sharing policy refused the relinquish"),
    /** The pool ran out preparing the caller's table: NO_MEMORY. */
    RELINQUISH_PREPARE_NO_MEMORY(Abi.RELINQUISH, FfaError.NO_MEMORY, "the pool ran out preparing the caller's table"),
    /** The pool ran out clearing the memory (the caller is put back): NO_MEMORY. */
    RELINQUISH_CLEAR_NO_MEMORY(Abi.RELINQUISH, FfaError.NO_MEMORY, "the pool ran out clearing the memory (the caller is put back)"),
    /** The handle was not allocated by the hypervisor (Hafnium forwards it to the SPMC; none is modelled): INVALID_PARAMETERS. */
    RECLAIM_OTHER_WORLD_HANDLE(Abi.RECLAIM, FfaError.INVALID_PARAMETERS, "the handle was not allocated by the hypervisor (Hafnium forwards it to the SPMC; none is modelled)"),
    /** No share state has the handle: INVALID_PARAMETERS. */
    RECLAIM_UNKNOWN_HANDLE(Abi.RECLAIM, FfaError.INVALID_PARAMETERS, "no share state has the handle"),
    /** The send is not complete: INVALID_PARAMETERS. */
    RECLAIM_NOT_FULLY_SENT(Abi.RECLAIM, FfaError.INVALID_PARAMETERS, "the send is not complete"),
    /** The caller is not the transaction's sender: INVALID_PARAMETERS. */
    RECLAIM_NOT_SENDER(Abi.RECLAIM, FfaError.INVALID_PARAMETERS, "the caller is not the transaction's sender"),
    /** A borrower still holds the memory: DENIED. */
    RECLAIM_NOT_RELINQUISHED(Abi.RECLAIM, FfaError.DENIED, "a borrower still holds the memory"),
    /** Clear asked and the sender's original mode has no W: DENIED. */
    RECLAIM_CLEAR_WITHOUT_WRITE(Abi.RECLAIM, FfaError.DENIED, "clear asked and the sender's original mode has no W"),
    /** A constituent is not mapped with one mode in the caller: DENIED. */
    RECLAIM_NOT_ONE_MODE(Abi.RECLAIM, FfaError.DENIED, "a constituent is not mapped with one mode in the caller"),
    /** Constituents have different modes in the caller: DENIED. */
    RECLAIM_MIXED_MODES(Abi.RECLAIM, FfaError.DENIED, "constituents have different modes in the caller"),
    /** A sharing policy refused the reclaim: DENIED. */
    RECLAIM_POLICY(Abi.RECLAIM, FfaError.DENIED, "a sharing policy refused the reclaim"),
    /** The pool ran out preparing the caller's table: NO_MEMORY. */
    RECLAIM_PREPARE_NO_MEMORY(Abi.RECLAIM, FfaError.NO_MEMORY, "the pool ran out preparing the caller's table"),
    /** The pool ran out clearing the memory (nothing committed): NO_MEMORY. */
    RECLAIM_CLEAR_NO_MEMORY(Abi.RECLAIM, FfaError.NO_MEMORY, "the pool ran out clearing the memory (nothing committed)");

    /** The call a check belongs to; completion checks of a send belong to SEND, whichever call completes it. */
    public enum Abi {
        /** Any call. */
        ANY,
        /** FFA_VERSION. */
        VERSION,
        /** FFA_MEM_DONATE, FFA_MEM_LEND, FFA_MEM_SHARE (and the completion of a fragmented send). */
        SEND,
        /** FFA_MEM_FRAG_TX. */
        FRAG_TX,
        /** FFA_MEM_RETRIEVE_REQ. */
        RETRIEVE,
        /** FFA_MEM_FRAG_RX. */
        FRAG_RX,
        /** FFA_RX_RELEASE. */
        RX_RELEASE,
        /** FFA_MEM_RELINQUISH. */
        RELINQUISH,
        /** FFA_MEM_RECLAIM. */
        RECLAIM
    }

    private final Abi abi;
    private final FfaError error;
    private final String description;

    FfaCheck(Abi abi, FfaError error, String description) {
        this.abi = requireNonNull(abi);
        this.error = requireNonNull(error);
        this.description = requireNonNull(description);
    }

    /** The call whose check this is. */
    public Abi abi() {
        return abi;
    }

    /** The error a refusal by this check answers. */
    public FfaError error() {
        return error;
    }

    /** What the check refuses. */
    public String description() {
        return description;
    }
}
