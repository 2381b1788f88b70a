package dev.warden.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeighbourIndexTest {

    private static final int DIMS = 384;

    private static float[] random(Random r) {
        float[] v = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** {max cos to attacks − max cos to benign, max cos to attacks} in double precision. */
    private static double[] exact(float[] q, List<float[]> attacks, List<float[]> benign) {
        double a = attacks.stream().mapToDouble(v -> cosine(q, v)).max().orElseThrow();
        double b = benign.stream().mapToDouble(v -> cosine(q, v)).max().orElseThrow();
        return new double[] {a - b, a};
    }

    @Test
    void int8VectorsGiveTheCosineSimilaritiesOfTheOriginals() {
        Random r = new Random(7);
        List<float[]> attacks = new ArrayList<>();
        List<float[]> benign = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            attacks.add(random(r));
            benign.add(random(r));
        }
        NeighbourIndex index = NeighbourIndex.of(attacks, benign);
        assertThat(index.size()).isEqualTo(80);
        for (int t = 0; t < 20; t++) {
            // a query near one stored vector (of either class), so the maxima are far from 0
            float[] base = (t % 2 == 0 ? attacks : benign).get(t);
            float[] q = base.clone();
            for (int i = 0; i < DIMS; i++) {
                q[i] += (float) (0.5 * r.nextGaussian());
            }
            double[] want = exact(q, attacks, benign);
            double[] got = index.features(q);
            assertThat(got[0]).isCloseTo(want[0], within(0.01));
            assertThat(got[1]).isCloseTo(want[1], within(0.01));
            assertThat(Math.signum(got[0])).isEqualTo(t % 2 == 0 ? 1.0 : -1.0);
        }
    }

    @Test
    void theScaleOfAQueryDoesNotMatterAndAStoredVectorFindsItself() {
        Random r = new Random(3);
        float[] a = random(r);
        NeighbourIndex index = NeighbourIndex.of(List.of(a), List.of(random(r)));
        float[] doubled = a.clone();
        for (int i = 0; i < DIMS; i++) {
            doubled[i] *= 2;
        }
        assertThat(index.features(a)[1]).isCloseTo(1.0, within(0.002));
        assertThat(index.features(doubled)[1]).isCloseTo(index.features(a)[1], within(1e-6));
    }

    @Test
    void aModelFileRoundTripKeepsEveryFeature() {
        Random r = new Random(11);
        List<float[]> attacks = List.of(random(r), random(r), random(r));
        List<float[]> benign = List.of(random(r), random(r));
        NeighbourIndex index = NeighbourIndex.of(attacks, benign);
        FirewallModel.Neighbours stored = index.encode();
        assertThat(stored.attacks()).isEqualTo(3);
        assertThat(stored.benign()).isEqualTo(2);
        NeighbourIndex back = NeighbourIndex.decode(stored);
        for (int t = 0; t < 10; t++) {
            float[] q = random(r);
            assertThat(back.features(q)).containsExactly(index.features(q));
        }
    }

    @Test
    void leftOutVectorsAndEmptyClassesDoNotCount() {
        Random r = new Random(5);
        float[] a = random(r);
        float[] b = random(r);
        NeighbourIndex index = NeighbourIndex.of(List.of(a, b), List.of());
        // the query is a itself: with a left out (index 0), the nearest attack is b
        double withA = index.features(a)[1];
        double withoutA = index.features(a, i -> i != 0)[1];
        assertThat(withA).isCloseTo(1.0, within(0.002));
        assertThat(withoutA).isCloseTo(cosine(a, b), within(0.01));
        // no benign vector: similarity 0 on that side, so the margin is the attack similarity
        assertThat(index.features(a)[0]).isEqualTo(withA);
        // nothing left at all
        assertThat(index.features(a, i -> false)).containsExactly(0.0, 0.0);
    }

    @Test
    void anEmbeddingOfAnotherSizeOrAllZerosGetsZerosNotAnException() {
        Random r = new Random(1);
        NeighbourIndex index = NeighbourIndex.of(List.of(random(r)), List.of(random(r)));
        assertThat(index.features(new float[10])).containsExactly(0.0, 0.0);
        assertThat(index.features(new float[DIMS])).containsExactly(0.0, 0.0);
    }

    @Test
    void aDamagedModelFileIsRejectedWithTheReason() {
        Random r = new Random(2);
        FirewallModel.Neighbours good =
                NeighbourIndex.of(List.of(random(r)), List.of(random(r))).encode();
        FirewallModel.Neighbours truncated = new FirewallModel.Neighbours(
                good.dimensions(),
                good.attacks(),
                good.benign(),
                good.vectorsInt8().substring(0, 100),
                good.scalesFloat16());
        assertThatThrownBy(() -> NeighbourIndex.decode(truncated))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neighbours hold");
        FirewallModel.Neighbours miscounted = new FirewallModel.Neighbours(
                good.dimensions(), 5, good.benign(), good.vectorsInt8(), good.scalesFloat16());
        assertThatThrownBy(() -> NeighbourIndex.decode(miscounted))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scales");
    }
}
