package org.memshare.examples.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memshare.api.arch.UnsupportedConfigurationException;

class TutorialGeometryTest {

    @ParameterizedTest(name = "{0}-bit PA: max level {1}, {2} root tables")
    @CsvSource({"39, 2, 1", "40, 2, 2", "48, 3, 1"})
    void theTreeCoversExactlyThePhysicalAddressSpace(int paBits, int maxLevel, int rootTables) {
        TutorialGeometry geometry = TutorialGeometry.of(paBits);

        assertEquals(maxLevel, geometry.stage2MaxLevel());
        assertEquals(rootTables, geometry.stage2RootTables());
        assertEquals(1L << paBits, geometry.stage2AddressSpaceEnd());
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 38, 41, 44, 52})
    void otherSizesAreRefused(int paBits) {
        assertThrows(UnsupportedConfigurationException.class, () -> TutorialGeometry.of(paBits));
    }
}
