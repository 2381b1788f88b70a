package dev.warden.embedding.nativeimage;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native image only: there is no GPU for the in-process embedding model, so DJL's CUDA probe answers "none" without
 * asking. The original probe loads {@code libcudart} through JNA, whose own native methods are not in the image; the
 * first embedding then failed with {@code UnsatisfiedLinkError ... Native.findSymbol} (DESIGN.md, Stack). In JVM mode
 * this class is never used.
 */
@TargetClass(className = "ai.djl.util.cuda.CudaUtils")
final class Target_ai_djl_util_cuda_CudaUtils {

    private Target_ai_djl_util_cuda_CudaUtils() {}

    @Substitute
    public static boolean hasCuda() {
        return false;
    }

    @Substitute
    public static int getGpuCount() {
        return 0;
    }
}
