/*
 * Tests of the mixmaster C API, valid C99 and C++17 (test.sh builds it both ways, against the
 * shared and the static library, and runs it under valgrind and the sanitizers).
 *
 * It calls every function of mixmaster.h; passes NULL and invalid arguments and checks the
 * status and that the message names the function and the problem; runs the shared test
 * vectors (tests/vectors, rendered by the Rust core) through chains and processors, planar and
 * interleaved, and compares bit for bit; compares the loudness meter with libebur128 on
 * generated signals; and exercises normalization and sessions.
 *
 * Usage: test_api VECTORS_DIR [--quick]
 * --quick (for valgrind, where the meter's vector code runs a hundred times slower) skips the
 * libebur128 side of the meter comparison and measures shorter signals and programmes; every
 * function and check of the API still runs.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebur128.h>

#include "mixmaster.h"

#define PI 3.14159265358979323846
#define MAXCH 32

/* ---- checks ---------------------------------------------------------------------------- */

static int g_pass = 0;
static int g_fail = 0;

static void check_true(int ok, const char *what, int line) {
    if (ok) {
        g_pass++;
    } else {
        g_fail++;
        fprintf(stderr, "FAIL line %d: %s (last error: %s)\n", line, what, mm_last_error_message());
    }
}

#define CHECK(cond) check_true((cond) ? 1 : 0, #cond, __LINE__)

/* The status must be `want`; for an error, the message must start with the function's name
 * (taken from the call's text) and contain `needle`. */
static void check_status(int32_t got, int32_t want, const char *needle, const char *call,
                         int line) {
    const char *msg = mm_last_error_message();
    int ok = got == want;
    if (ok && want != MM_OK) {
        size_t n = strcspn(call, "(");
        ok = strncmp(msg, call, n) == 0 && msg[n] == ':';
        if (ok && needle != NULL) {
            ok = strstr(msg, needle) != NULL;
        }
    }
    if (ok) {
        g_pass++;
    } else {
        g_fail++;
        fprintf(stderr, "FAIL line %d: %s\n  status %d (%s), wanted %d; message: %s\n  wanted in it: %s\n",
                line, call, (int)got, mm_status_string(got), (int)want, msg,
                needle ? needle : "(the function's name)");
    }
}

#define EXPECT_OK(call) check_status((call), MM_OK, NULL, #call, __LINE__)
#define EXPECT_ERR(call, code, needle) check_status((call), (code), (needle), #call, __LINE__)

static int near(double a, double b, double tol) {
    if (isinf(a) || isinf(b)) {
        return a == b;
    }
    return fabs(a - b) <= tol;
}

/* ---- signals --------------------------------------------------------------------------- */

static uint32_t g_rng = 0x12345678u;

/* Uniform noise in [-1, 1) (xorshift32). */
static float noise(void) {
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 17;
    g_rng ^= g_rng << 5;
    return (float)((double)g_rng / 2147483648.0 - 1.0);
}

static float *alloc_floats(size_t n) {
    float *p = (float *)calloc(n == 0 ? 1 : n, sizeof(float));
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static void to_interleaved(const float *planar, float *inter, size_t channels, size_t frames) {
    size_t c, f;
    for (c = 0; c < channels; c++) {
        for (f = 0; f < frames; f++) {
            inter[f * channels + c] = planar[c * frames + f];
        }
    }
}

static void to_planar(const float *inter, float *planar, size_t channels, size_t frames) {
    size_t c, f;
    for (c = 0; c < channels; c++) {
        for (f = 0; f < frames; f++) {
            planar[c * frames + f] = inter[f * channels + c];
        }
    }
}

/* ---- version, status, errors ----------------------------------------------------------- */

static void test_version_and_status(void) {
    int32_t codes[] = {MM_OK,
                       MM_ERROR_NULL,
                       MM_ERROR_ARGUMENT,
                       MM_ERROR_RANGE,
                       MM_ERROR_UNKNOWN_NAME,
                       MM_ERROR_INDEX,
                       MM_ERROR_NOT_PREPARED,
                       MM_ERROR_CHANNELS,
                       MM_ERROR_BUFFER_TOO_SMALL,
                       MM_ERROR_SESSION,
                       MM_ERROR_PANIC};
    size_t i, j;
    CHECK(strcmp(mm_last_error_message(), "") == 0);
    CHECK(strcmp(mm_version(), MM_VERSION_STRING) == 0);
    CHECK(mm_version_number() == MM_VERSION_NUMBER);
    CHECK(MM_VERSION_NUMBER == MM_VERSION_MAJOR * 10000 + MM_VERSION_MINOR * 100 + MM_VERSION_PATCH);
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK(mm_status_string(codes[i]) != NULL && strlen(mm_status_string(codes[i])) > 0);
        for (j = 0; j < i; j++) {
            CHECK(strcmp(mm_status_string(codes[i]), mm_status_string(codes[j])) != 0);
        }
    }
    CHECK(strcmp(mm_status_string(12345), "unknown status code") == 0);
    printf("  library %s, AVX2+FMA path: %s\n", mm_version(), mm_cpu_has_avx2_fma() ? "yes" : "no");
}

/* ---- the registry catalogue ------------------------------------------------------------ */

static void check_option(const mm_option_info *o, int depth) {
    size_t i;
    CHECK(o->name != NULL && strlen(o->name) > 0);
    CHECK(o->doc != NULL && o->unit != NULL);
    switch (o->kind) {
    case MM_OPTION_CHOICE:
        CHECK(o->choice_count > 0 && o->choices != NULL && o->default_choice != NULL);
        {
            int found = 0;
            for (i = 0; i < o->choice_count; i++) {
                CHECK(o->choices[i] != NULL);
                found |= strcmp(o->choices[i], o->default_choice) == 0;
            }
            CHECK(found);
        }
        break;
    case MM_OPTION_SWITCH:
        CHECK(o->choices == NULL && o->fields == NULL);
        break;
    case MM_OPTION_NUMBER:
        CHECK(o->min <= o->default_number && o->default_number <= o->max);
        break;
    case MM_OPTION_AUDIO:
        CHECK(o->choices == NULL && o->fields == NULL && depth == 0);
        break;
    case MM_OPTION_LIST:
        CHECK(o->field_count > 0 && o->fields != NULL && depth == 0);
        for (i = 0; i < o->field_count; i++) {
            check_option(&o->fields[i], depth + 1);
        }
        break;
    default:
        CHECK(!"an option kind");
    }
}

static void test_catalog(void) {
    size_t k, i;
    const mm_kind_info *kind = NULL;
    const mm_kind_info *again = NULL;
    const mm_preset *preset = NULL;
    mm_processor *p = NULL;

    CHECK(mm_kind_count() == MM_KIND_COUNT);
    for (k = 0; k < mm_kind_count(); k++) {
        double v = 0;
        size_t index = 99;
        EXPECT_OK(mm_kind_get(k, &kind));
        CHECK(kind->index == k);
        CHECK(kind->name && kind->class_name && kind->summary && kind->channels);
        CHECK((kind->param_count == 0) == (kind->params == NULL));
        CHECK((kind->option_count == 0) == (kind->options == NULL));
        CHECK((kind->alias_count == 0) == (kind->aliases == NULL));
        EXPECT_OK(mm_kind_find(kind->name, &again));
        CHECK(again == kind);
        for (i = 0; i < kind->alias_count; i++) {
            EXPECT_OK(mm_kind_find(kind->aliases[i], &again));
            CHECK(again == kind);
        }
        /* Every kind can be made by name, with its defaults; its parameters read back as
         * declared. */
        EXPECT_OK(mm_processor_create(kind->name, &p));
        EXPECT_OK(mm_processor_kind(p, &again));
        CHECK(again == kind);
        for (i = 0; i < kind->param_count; i++) {
            const mm_param_info *info = &kind->params[i];
            CHECK(info->index == i);
            CHECK(info->name && info->unit && info->doc);
            CHECK(info->min <= info->default_value && info->default_value <= info->max);
            EXPECT_OK(mm_processor_param_index(p, info->name, &index));
            CHECK(index == i);
            EXPECT_OK(mm_processor_get_param(p, i, &v));
            CHECK(v == info->default_value);
            EXPECT_OK(mm_processor_get_param_by_name(p, info->name, &v));
            CHECK(v == info->default_value);
        }
        for (i = 0; i < kind->option_count; i++) {
            check_option(&kind->options[i], 0);
        }
        mm_processor_destroy(p);
        p = NULL;
    }
    /* The generated constants match the registry. */
    EXPECT_OK(mm_kind_find("compressor", &kind));
    CHECK(kind->index == MM_KIND_COMPRESSOR);
    CHECK(kind->param_count == MM_COMPRESSOR_PARAM_COUNT);
    CHECK(strcmp(kind->params[MM_COMPRESSOR_THRESHOLD_DB].name, "threshold_db") == 0);
    CHECK(strcmp(kind->params[MM_COMPRESSOR_RATIO].name, "ratio") == 0);
    CHECK(strcmp(kind->params[MM_COMPRESSOR_MAKEUP_DB].name, "makeup_db") == 0);
    EXPECT_OK(mm_kind_get(MM_KIND_LIMITER, &kind));
    CHECK(strcmp(kind->name, "limiter") == 0);
    CHECK(strcmp(kind->params[MM_LIMITER_CEILING_DBTP].name, "ceiling_dbtp") == 0);
    EXPECT_OK(mm_kind_get(MM_KIND_GAIN, &kind));
    CHECK(strcmp(kind->params[MM_GAIN_GAIN_DB].name, "gain_db") == 0);
    CHECK(kind->params[MM_GAIN_MUTE].is_toggle);
    EXPECT_OK(mm_kind_get(MM_KIND_FILTER, &kind));
    CHECK(strcmp(kind->params[MM_FILTER_FREQUENCY_HZ].name, "frequency_hz") == 0);
    EXPECT_OK(mm_kind_find("eq", &kind));
    CHECK(kind->index == MM_KIND_EQUALIZER && kind->option_count == 1);
    CHECK(kind->options[0].kind == MM_OPTION_LIST && strcmp(kind->options[0].name, "bands") == 0);

    {
        char needle[64];
        snprintf(needle, sizeof needle, "no processor kind %d", (int)MM_KIND_COUNT);
        EXPECT_ERR(mm_kind_get(MM_KIND_COUNT, &kind), MM_ERROR_INDEX, needle);
    }
    EXPECT_ERR(mm_kind_get(0, NULL), MM_ERROR_NULL, "out_kind");
    EXPECT_ERR(mm_kind_find("compresor", &kind), MM_ERROR_UNKNOWN_NAME, "compressor");
    EXPECT_ERR(mm_kind_find(NULL, &kind), MM_ERROR_NULL, "`name`");
    EXPECT_ERR(mm_kind_find("\xff", &kind), MM_ERROR_ARGUMENT, "UTF-8");
    EXPECT_ERR(mm_kind_find("gain", NULL), MM_ERROR_NULL, "out_kind");

    /* Presets. */
    CHECK(mm_preset_count() == 8);
    for (i = 0; i < mm_preset_count(); i++) {
        const mm_preset *again_preset = NULL;
        EXPECT_OK(mm_preset_get(i, &preset));
        EXPECT_OK(mm_preset_find(preset->name, &again_preset));
        CHECK(again_preset == preset);
        CHECK(preset->target_lufs < 0 && preset->ceiling_dbtp <= 0);
    }
    EXPECT_OK(mm_preset_find("EBU_R128", &preset));
    CHECK(preset->target_lufs == -23.0 && preset->ceiling_dbtp == -1.0);
    EXPECT_ERR(mm_preset_find("spotfy", &preset), MM_ERROR_UNKNOWN_NAME, "spotify");
    EXPECT_ERR(mm_preset_find(NULL, &preset), MM_ERROR_NULL, "name");
    EXPECT_ERR(mm_preset_find("spotify", NULL), MM_ERROR_NULL, "out_preset");
    EXPECT_ERR(mm_preset_get(8, &preset), MM_ERROR_INDEX, "preset 8");
    EXPECT_ERR(mm_preset_get(0, NULL), MM_ERROR_NULL, "out_preset");
}

/* ---- settings -------------------------------------------------------------------------- */

static void test_settings(void) {
    mm_settings *s = NULL;
    mm_settings *band = NULL;
    mm_settings *copy = NULL;
    double v = 0;
    bool b = false;
    size_t n = 0;
    size_t needed = 0;
    char buf[64];
    char small[4];

    EXPECT_OK(mm_settings_create(&s));
    EXPECT_OK(mm_settings_count(s, &n));
    CHECK(n == 0);
    EXPECT_OK(mm_settings_set_number(s, "threshold_db", -24.0));
    EXPECT_OK(mm_settings_set_number(s, "threshold_db", -20.0));
    EXPECT_OK(mm_settings_set_bool(s, "linked", false));
    EXPECT_OK(mm_settings_set_text(s, "detector", "rms"));
    EXPECT_OK(mm_settings_count(s, &n));
    CHECK(n == 3);
    EXPECT_OK(mm_settings_get_number(s, "threshold_db", &v));
    CHECK(v == -20.0);
    b = true;
    EXPECT_OK(mm_settings_get_bool(s, "linked", &b));
    CHECK(b == false);
    EXPECT_OK(mm_settings_get_text(s, "detector", NULL, 0, &needed));
    CHECK(needed == 4);
    EXPECT_OK(mm_settings_get_text(s, "detector", buf, sizeof buf, &needed));
    CHECK(strcmp(buf, "rms") == 0 && needed == 4);
    EXPECT_ERR(mm_settings_get_text(s, "detector", small, 3, &needed), MM_ERROR_BUFFER_TOO_SMALL,
               "needs 4 bytes");
    CHECK(strcmp(small, "rm") == 0);
    EXPECT_OK(mm_settings_get_text(s, "detector", small, 4, NULL));
    CHECK(strcmp(small, "rms") == 0);
    EXPECT_ERR(mm_settings_get_text(s, "detector", NULL, 4, NULL), MM_ERROR_NULL, "buf");
    EXPECT_ERR(mm_settings_get_number(s, "detector", &v), MM_ERROR_ARGUMENT, "mm_settings_get_text");
    EXPECT_ERR(mm_settings_get_bool(s, "threshold_db", &b), MM_ERROR_ARGUMENT, "a number");
    EXPECT_ERR(mm_settings_get_text(s, "linked", buf, sizeof buf, NULL), MM_ERROR_ARGUMENT, "a bool");
    EXPECT_ERR(mm_settings_get_number(s, "ratio", &v), MM_ERROR_UNKNOWN_NAME, "threshold_db, linked, detector");
    EXPECT_ERR(mm_settings_get_number(s, "ratio", NULL), MM_ERROR_NULL, "out_value");
    EXPECT_ERR(mm_settings_get_bool(s, "linked", NULL), MM_ERROR_NULL, "out_value");
    EXPECT_OK(mm_settings_format(s, buf, sizeof buf, &needed));
    CHECK(strcmp(buf, "{threshold_db = -20, linked = false, detector = \"rms\"}") == 0);
    CHECK(needed == strlen(buf) + 1);
    EXPECT_ERR(mm_settings_format(s, small, sizeof small, &needed), MM_ERROR_BUFFER_TOO_SMALL, NULL);
    EXPECT_OK(mm_settings_remove(s, "linked"));
    EXPECT_ERR(mm_settings_remove(s, "linked"), MM_ERROR_UNKNOWN_NAME, "linked");
    EXPECT_OK(mm_settings_count(s, &n));
    CHECK(n == 2);

    /* Lists of tables. */
    EXPECT_OK(mm_settings_create(&band));
    EXPECT_OK(mm_settings_set_text(band, "kind", "peaking"));
    EXPECT_OK(mm_settings_set_number(band, "frequency_hz", 400.0));
    EXPECT_OK(mm_settings_add_item(s, "bands", band));
    EXPECT_OK(mm_settings_set_number(band, "frequency_hz", 800.0));
    EXPECT_OK(mm_settings_add_item(s, "bands", band));
    EXPECT_OK(mm_settings_item_count(s, "bands", &n));
    CHECK(n == 2);
    EXPECT_OK(mm_settings_get_item(s, "bands", 1, &copy));
    EXPECT_OK(mm_settings_get_number(copy, "frequency_hz", &v));
    CHECK(v == 800.0);
    mm_settings_destroy(copy);
    copy = NULL;
    EXPECT_OK(mm_settings_get_item(s, "bands", 0, &copy));
    EXPECT_OK(mm_settings_get_number(copy, "frequency_hz", &v));
    CHECK(v == 400.0);
    mm_settings_destroy(copy);
    copy = NULL;
    EXPECT_ERR(mm_settings_get_item(s, "bands", 2, &copy), MM_ERROR_INDEX, "no item 2");
    CHECK(copy == NULL);
    EXPECT_ERR(mm_settings_get_item(s, "detector", 0, &copy), MM_ERROR_ARGUMENT, "a string");
    EXPECT_ERR(mm_settings_get_item(s, "bands", 0, NULL), MM_ERROR_NULL, "out_item");
    EXPECT_ERR(mm_settings_item_count(s, "threshold_db", &n), MM_ERROR_ARGUMENT, "list");
    EXPECT_ERR(mm_settings_item_count(s, "bands", NULL), MM_ERROR_NULL, "out_count");
    EXPECT_ERR(mm_settings_add_item(s, "detector", band), MM_ERROR_ARGUMENT, "detector");
    EXPECT_ERR(mm_settings_add_item(s, "bands", NULL), MM_ERROR_NULL, "`item`");
    EXPECT_ERR(mm_settings_get_number(copy, "x", &v), MM_ERROR_NULL, "`settings`");
    /* A table may hold a copy of itself. */
    EXPECT_OK(mm_settings_add_item(band, "self", band));
    EXPECT_OK(mm_settings_item_count(band, "self", &n));
    CHECK(n == 1);

    /* NULL and bad arguments. */
    EXPECT_ERR(mm_settings_create(NULL), MM_ERROR_NULL, "out_settings");
    EXPECT_ERR(mm_settings_set_number(NULL, "x", 1.0), MM_ERROR_NULL, "settings");
    EXPECT_ERR(mm_settings_set_number(s, NULL, 1.0), MM_ERROR_NULL, "name");
    EXPECT_ERR(mm_settings_set_bool(s, NULL, true), MM_ERROR_NULL, "name");
    EXPECT_ERR(mm_settings_set_text(s, "detector", NULL), MM_ERROR_NULL, "value");
    EXPECT_ERR(mm_settings_set_text(s, "\xc3\x28", "x"), MM_ERROR_ARGUMENT, "UTF-8");
    EXPECT_ERR(mm_settings_add_item(s, NULL, band), MM_ERROR_NULL, "list");
    EXPECT_ERR(mm_settings_remove(s, NULL), MM_ERROR_NULL, "name");
    EXPECT_ERR(mm_settings_count(s, NULL), MM_ERROR_NULL, "out_count");
    EXPECT_ERR(mm_settings_count(NULL, &n), MM_ERROR_NULL, "settings");
    EXPECT_ERR(mm_settings_format(NULL, buf, sizeof buf, NULL), MM_ERROR_NULL, "settings");
    EXPECT_ERR(mm_settings_get_text(s, NULL, buf, sizeof buf, NULL), MM_ERROR_NULL, "name");
    mm_settings_destroy(NULL);
    mm_settings_destroy(band);
    mm_settings_destroy(s);
}

/* ---- processors ------------------------------------------------------------------------ */

static void test_processor(void) {
    mm_settings *s = NULL;
    mm_settings *band = NULL;
    mm_settings *back = NULL;
    mm_processor *p = NULL;
    const mm_kind_info *kind = NULL;
    float left[1000];
    float right[1000];
    float inter[2000];
    float big[3000];
    float *ch[2];
    float *same[2];
    float *bad[2];
    double v = 0;
    size_t n = 0;
    char buf[256];
    int i;

    for (i = 0; i < 1000; i++) {
        left[i] = 0.5f * (float)sin(2 * PI * 440 * i / 48000.0);
        right[i] = 0.25f * noise();
    }
    ch[0] = left;
    ch[1] = right;

    /* Creation errors name the problem. */
    EXPECT_ERR(mm_processor_create("compresor", &p), MM_ERROR_UNKNOWN_NAME,
               "unknown processor `compresor` (known: gain, pan");
    CHECK(p == NULL);
    EXPECT_ERR(mm_processor_create(NULL, &p), MM_ERROR_NULL, "`kind`");
    EXPECT_ERR(mm_processor_create("gain", NULL), MM_ERROR_NULL, "`out_processor`");
    EXPECT_OK(mm_settings_create(&s));
    EXPECT_OK(mm_settings_set_number(s, "threshold_db", 5.0));
    EXPECT_ERR(mm_processor_create_with("compressor", s, &p), MM_ERROR_RANGE,
               "parameter `threshold_db` = 5 is out of range: allowed [-80, 0]");
    EXPECT_OK(mm_settings_set_number(s, "threshold_db", -30.0));
    EXPECT_OK(mm_settings_set_text(s, "detector", "loud"));
    EXPECT_ERR(mm_processor_create_with("compressor", s, &p), MM_ERROR_UNKNOWN_NAME,
               "unknown detector `loud` (peak, rms)");
    EXPECT_OK(mm_settings_set_number(s, "detector", 1.0));
    EXPECT_ERR(mm_processor_create_with("compressor", s, &p), MM_ERROR_ARGUMENT,
               "`detector` must be a string, not a number");
    EXPECT_OK(mm_settings_set_text(s, "detector", "rms"));
    EXPECT_OK(mm_settings_set_number(s, "treshold_db", 1.0));
    EXPECT_ERR(mm_processor_create_with("compressor", s, &p), MM_ERROR_UNKNOWN_NAME,
               "compressor has no parameter `treshold_db` (it has: detector, linked, threshold_db");
    EXPECT_OK(mm_settings_remove(s, "treshold_db"));
    CHECK(p == NULL);
    EXPECT_OK(mm_processor_create_with("compressor", s, &p));
    EXPECT_OK(mm_processor_kind(p, &kind));
    CHECK(strcmp(kind->name, "compressor") == 0);

    /* Settings read back. */
    EXPECT_OK(mm_processor_settings(p, &back));
    EXPECT_OK(mm_settings_get_text(back, "detector", buf, sizeof buf, NULL));
    CHECK(strcmp(buf, "rms") == 0);
    EXPECT_OK(mm_settings_get_number(back, "threshold_db", &v));
    CHECK(v == -30.0);
    EXPECT_OK(mm_settings_count(back, &n));
    CHECK(n == 2 + MM_COMPRESSOR_PARAM_COUNT);
    mm_settings_destroy(back);

    /* Processing before prepare, and prepare's checks. */
    EXPECT_ERR(mm_processor_process(p, ch, 2, 1000), MM_ERROR_NOT_PREPARED, "before prepare");
    EXPECT_ERR(mm_processor_prepare(p, 0.0, 512, 2), MM_ERROR_RANGE, "`sample_rate` = 0");
    EXPECT_ERR(mm_processor_prepare(p, 48000.0, 0, 2), MM_ERROR_RANGE, "`max_block_frames` = 0");
    EXPECT_ERR(mm_processor_prepare(p, 48000.0, 512, 33), MM_ERROR_RANGE, "`channels` = 33");
    EXPECT_ERR(mm_processor_prepare(p, NAN, 512, 2), MM_ERROR_RANGE, "sample_rate");
    EXPECT_ERR(mm_processor_prepare(NULL, 48000.0, 512, 2), MM_ERROR_NULL, "`processor`");
    EXPECT_OK(mm_processor_prepare(p, 48000.0, 256, 2));

    /* Processing: planar, any length, and its checks. */
    EXPECT_OK(mm_processor_process(p, ch, 2, 1000));
    EXPECT_OK(mm_processor_process(p, ch, 2, 0));
    EXPECT_ERR(mm_processor_process(p, ch, 1, 1000), MM_ERROR_CHANNELS, "prepared for 2");
    EXPECT_ERR(mm_processor_process(p, ch, 0, 1000), MM_ERROR_CHANNELS, "`channel_count` = 0");
    EXPECT_ERR(mm_processor_process(p, ch, 40, 1000), MM_ERROR_CHANNELS, "allowed 1 to 32");
    EXPECT_ERR(mm_processor_process(p, NULL, 2, 1000), MM_ERROR_NULL, "`channels`");
    bad[0] = left;
    bad[1] = NULL;
    EXPECT_ERR(mm_processor_process(p, bad, 2, 1000), MM_ERROR_NULL, "`channels[1]`");
    same[0] = left;
    same[1] = left + 500;
    EXPECT_ERR(mm_processor_process(p, same, 2, 1000), MM_ERROR_ARGUMENT, "channel 1 overlaps channel 0");
    EXPECT_OK(mm_processor_process(p, same, 2, 500));
    bad[0] = left;
    bad[1] = (float *)(void *)((char *)right + 1);
    EXPECT_ERR(mm_processor_process(p, bad, 2, 10), MM_ERROR_ARGUMENT, "not aligned");
    EXPECT_ERR(mm_processor_process(p, ch, 2, SIZE_MAX / 2), MM_ERROR_ARGUMENT, "do not fit");
    EXPECT_ERR(mm_processor_process(NULL, ch, 2, 1000), MM_ERROR_NULL, "processor");

    /* Interleaved. */
    to_interleaved(left, inter, 1, 1000);
    EXPECT_OK(mm_processor_process_interleaved(p, inter, 2, 500));
    EXPECT_ERR(mm_processor_process_interleaved(p, inter, 1, 1000), MM_ERROR_CHANNELS, "prepared for 2");
    EXPECT_ERR(mm_processor_process_interleaved(p, NULL, 2, 10), MM_ERROR_NULL, "`samples`");
    EXPECT_ERR(mm_processor_process_interleaved(NULL, inter, 2, 10), MM_ERROR_NULL, "processor");
    for (i = 0; i < 3000; i++) {
        big[i] = 0.1f * noise();
    }
    EXPECT_OK(mm_processor_process_interleaved(p, big, 2, 1500));

    /* Parameters by index and by name. */
    EXPECT_OK(mm_processor_set_param(p, MM_COMPRESSOR_THRESHOLD_DB, -12.0));
    EXPECT_OK(mm_processor_get_param(p, MM_COMPRESSOR_THRESHOLD_DB, &v));
    CHECK(v == -12.0);
    EXPECT_ERR(mm_processor_set_param(p, MM_COMPRESSOR_THRESHOLD_DB, 3.0), MM_ERROR_RANGE,
               "mm_processor_set_param: parameter `threshold_db` = 3 is out of range: allowed [-80, 0]");
    EXPECT_ERR(mm_processor_set_param(p, MM_COMPRESSOR_RATIO, NAN), MM_ERROR_RANGE, "`ratio` = NaN");
    EXPECT_OK(mm_processor_get_param(p, MM_COMPRESSOR_THRESHOLD_DB, &v));
    CHECK(v == -12.0);
    EXPECT_ERR(mm_processor_set_param(p, 99, 1.0), MM_ERROR_INDEX, "compressor has no parameter 99: it has 9");
    EXPECT_ERR(mm_processor_get_param(p, 99, &v), MM_ERROR_INDEX, "no parameter 99");
    EXPECT_ERR(mm_processor_get_param(p, 0, NULL), MM_ERROR_NULL, "out_value");
    EXPECT_ERR(mm_processor_get_param(NULL, 0, &v), MM_ERROR_NULL, "processor");
    EXPECT_OK(mm_processor_set_param_by_name(p, "ratio", 8.0));
    EXPECT_OK(mm_processor_get_param_by_name(p, "ratio", &v));
    CHECK(v == 8.0);
    EXPECT_ERR(mm_processor_set_param_by_name(p, "ratio", 0.5), MM_ERROR_RANGE, "allowed [1, 100]");
    EXPECT_ERR(mm_processor_set_param_by_name(p, "rattio", 2.0), MM_ERROR_UNKNOWN_NAME,
               "compressor has no parameter `rattio` (it has: threshold_db, ratio");
    EXPECT_ERR(mm_processor_set_param_by_name(p, "detector", 1.0), MM_ERROR_UNKNOWN_NAME,
               "`detector` is an option of compressor, fixed at creation");
    EXPECT_ERR(mm_processor_get_param_by_name(p, "nope", &v), MM_ERROR_UNKNOWN_NAME, "nope");
    EXPECT_ERR(mm_processor_get_param_by_name(p, "ratio", NULL), MM_ERROR_NULL, "out_value");
    EXPECT_ERR(mm_processor_set_param_by_name(p, NULL, 1.0), MM_ERROR_NULL, "name");
    EXPECT_ERR(mm_processor_param_index(p, "nope", &n), MM_ERROR_UNKNOWN_NAME, "nope");
    EXPECT_ERR(mm_processor_param_index(p, "ratio", NULL), MM_ERROR_NULL, "out_index");
    EXPECT_ERR(mm_processor_set_param_by_name(NULL, "ratio", 1.0), MM_ERROR_NULL, "processor");

    EXPECT_OK(mm_processor_latency(p, &n));
    CHECK(n == 0);
    EXPECT_OK(mm_processor_tail(p, &n));
    EXPECT_ERR(mm_processor_latency(p, NULL), MM_ERROR_NULL, "out_frames");
    EXPECT_ERR(mm_processor_tail(NULL, &n), MM_ERROR_NULL, "processor");
    EXPECT_OK(mm_processor_reset(p));
    EXPECT_ERR(mm_processor_reset(NULL), MM_ERROR_NULL, "processor");
    EXPECT_ERR(mm_processor_kind(p, NULL), MM_ERROR_NULL, "out_kind");
    EXPECT_ERR(mm_processor_settings(p, NULL), MM_ERROR_NULL, "out_settings");
    mm_processor_destroy(p);
    p = NULL;

    /* A kind that needs two channels; a list item with an error names its index. */
    EXPECT_OK(mm_processor_create("stereo_width", &p));
    EXPECT_ERR(mm_processor_prepare(p, 48000.0, 512, 1), MM_ERROR_CHANNELS, "does not support 1 channels");
    mm_processor_destroy(p);
    p = NULL;
    mm_settings_destroy(s);
    EXPECT_OK(mm_settings_create(&s));
    EXPECT_OK(mm_settings_create(&band));
    EXPECT_OK(mm_settings_set_text(band, "kind", "peaking"));
    EXPECT_OK(mm_settings_add_item(s, "bands", band));
    EXPECT_OK(mm_settings_set_number(band, "q", -1.0));
    EXPECT_OK(mm_settings_add_item(s, "bands", band));
    EXPECT_ERR(mm_processor_create_with("eq", s, &p), MM_ERROR_RANGE, "bands[1]: parameter `q` = -1");
    mm_settings_destroy(band);
    mm_settings_destroy(s);

    /* Latency and a frequency checked against Nyquist once prepared. */
    EXPECT_OK(mm_processor_create("limiter", &p));
    EXPECT_OK(mm_processor_prepare(p, 48000.0, 512, 2));
    EXPECT_OK(mm_processor_latency(p, &n));
    CHECK(n >= 240); /* 5 ms of lookahead, and the oversampling filters' delay */
    mm_processor_destroy(p);
    EXPECT_OK(mm_processor_create("filter", &p));
    EXPECT_OK(mm_processor_prepare(p, 48000.0, 512, 1));
    EXPECT_ERR(mm_processor_set_param(p, MM_FILTER_FREQUENCY_HZ, 30000.0), MM_ERROR_RANGE, "Nyquist");
    mm_processor_destroy(p);
    mm_processor_destroy(NULL);
}

/* ---- chains ---------------------------------------------------------------------------- */

static void test_chain(void) {
    mm_chain *c = NULL;
    mm_processor *p = NULL;
    const mm_kind_info *kind = NULL;
    float a[600];
    float b[600];
    float *ch[2];
    float inter[1200];
    size_t n = 0;
    size_t frames = 0;
    double v = 0;
    int i;

    for (i = 0; i < 600; i++) {
        a[i] = 0.3f * noise();
        b[i] = 0.3f * noise();
    }
    ch[0] = a;
    ch[1] = b;
    EXPECT_OK(mm_chain_create(&c));
    EXPECT_OK(mm_chain_len(c, &n));
    CHECK(n == 0);
    EXPECT_OK(mm_chain_prepare(c, 48000.0, 128, 2));
    EXPECT_OK(mm_chain_process(c, ch, 2, 600)); /* empty: passes through */
    EXPECT_OK(mm_processor_create("gain", &p));
    EXPECT_OK(mm_chain_push(c, p));
    p = NULL;
    EXPECT_OK(mm_processor_create("limiter", &p));
    EXPECT_OK(mm_chain_push(c, p));
    p = NULL;
    EXPECT_OK(mm_processor_create("reverb", &p));
    EXPECT_OK(mm_chain_push(c, p));
    p = NULL;
    EXPECT_OK(mm_chain_len(c, &n));
    CHECK(n == 3);
    EXPECT_OK(mm_chain_stage_kind(c, 1, &kind));
    CHECK(strcmp(kind->name, "limiter") == 0);
    EXPECT_ERR(mm_chain_stage_kind(c, 3, &kind), MM_ERROR_INDEX, "no stage 3: there are 3");
    EXPECT_ERR(mm_chain_stage_kind(c, 0, NULL), MM_ERROR_NULL, "out_kind");
    EXPECT_ERR(mm_chain_process(c, ch, 2, 600), MM_ERROR_NOT_PREPARED, NULL);
    EXPECT_OK(mm_chain_prepare(c, 48000.0, 128, 2));
    EXPECT_ERR(mm_chain_prepare(c, 48000.0, 128, 0), MM_ERROR_RANGE, "channels");
    EXPECT_OK(mm_chain_prepare(c, 48000.0, 128, 2));
    EXPECT_OK(mm_chain_process(c, ch, 2, 600));
    EXPECT_ERR(mm_chain_process(c, ch, 1, 600), MM_ERROR_CHANNELS, NULL);
    EXPECT_ERR(mm_chain_process(c, NULL, 2, 600), MM_ERROR_NULL, "channels");
    for (i = 0; i < 1200; i++) {
        inter[i] = 0.3f * noise();
    }
    EXPECT_OK(mm_chain_process_interleaved(c, inter, 2, 600));
    EXPECT_ERR(mm_chain_process_interleaved(c, NULL, 2, 600), MM_ERROR_NULL, "samples");
    EXPECT_OK(mm_chain_latency(c, &n));
    EXPECT_OK(mm_processor_create("limiter", &p));
    EXPECT_OK(mm_processor_prepare(p, 48000.0, 128, 2));
    EXPECT_OK(mm_processor_latency(p, &frames));
    CHECK(n == frames && n >= 240); /* the limiter's: gain and reverb have none */
    mm_processor_destroy(p);
    p = NULL;
    EXPECT_OK(mm_chain_tail(c, &n));
    CHECK(n > 48000);
    EXPECT_ERR(mm_chain_latency(c, NULL), MM_ERROR_NULL, "out_frames");
    EXPECT_ERR(mm_chain_tail(NULL, &n), MM_ERROR_NULL, "chain");
    EXPECT_OK(mm_chain_set_param(c, 0, MM_GAIN_GAIN_DB, -6.0));
    EXPECT_OK(mm_chain_get_param(c, 0, MM_GAIN_GAIN_DB, &v));
    CHECK(v == -6.0);
    EXPECT_ERR(mm_chain_set_param(c, 0, MM_GAIN_GAIN_DB, 60.0), MM_ERROR_RANGE, "`gain_db` = 60");
    EXPECT_ERR(mm_chain_set_param(c, 5, 0, 0.0), MM_ERROR_INDEX, "no stage 5");
    EXPECT_ERR(mm_chain_get_param(c, 1, 7, &v), MM_ERROR_INDEX, "limiter has no parameter 7");
    EXPECT_ERR(mm_chain_get_param(c, 1, 0, NULL), MM_ERROR_NULL, "out_value");
    EXPECT_OK(mm_chain_set_param_by_name(c, 1, "ceiling_dbtp", -2.0));
    EXPECT_OK(mm_chain_get_param_by_name(c, 1, "ceiling_dbtp", &v));
    CHECK(v == -2.0);
    EXPECT_OK(mm_chain_get_param(c, 1, MM_LIMITER_CEILING_DBTP, &v));
    CHECK(v == -2.0);
    EXPECT_ERR(mm_chain_set_param_by_name(c, 1, "ceiling", -2.0), MM_ERROR_UNKNOWN_NAME,
               "limiter has no parameter `ceiling` (it has: ceiling_dbtp");
    EXPECT_ERR(mm_chain_get_param_by_name(c, 9, "ceiling_dbtp", &v), MM_ERROR_INDEX, "no stage 9");
    EXPECT_ERR(mm_chain_get_param_by_name(c, 1, NULL, &v), MM_ERROR_NULL, "name");
    EXPECT_OK(mm_chain_param_index(c, 2, "mix", &n));
    CHECK(n == MM_REVERB_MIX);
    EXPECT_ERR(mm_chain_param_index(c, 2, "size_m", &n), MM_ERROR_UNKNOWN_NAME, "size");
    EXPECT_ERR(mm_chain_param_index(c, 2, "mix", NULL), MM_ERROR_NULL, "out_index");
    EXPECT_OK(mm_chain_reset(c));
    EXPECT_ERR(mm_chain_reset(NULL), MM_ERROR_NULL, "chain");

    /* A failed push leaves the processor with the caller. */
    EXPECT_OK(mm_processor_create("gain", &p));
    EXPECT_ERR(mm_chain_push(NULL, p), MM_ERROR_NULL, "`chain`");
    EXPECT_OK(mm_processor_prepare(p, 48000.0, 64, 1));
    mm_processor_destroy(p);
    EXPECT_ERR(mm_chain_push(c, NULL), MM_ERROR_NULL, "`processor`");
    EXPECT_ERR(mm_chain_create(NULL), MM_ERROR_NULL, "out_chain");
    EXPECT_ERR(mm_chain_len(NULL, &n), MM_ERROR_NULL, "chain");
    EXPECT_ERR(mm_chain_len(c, NULL), MM_ERROR_NULL, "out_count");
    mm_chain_destroy(c);
    mm_chain_destroy(NULL);
}

/* ---- the shared test vectors ----------------------------------------------------------- */

#define MAX_STAGES 8

typedef struct vector_case {
    char name[64];
    double rate;
    size_t channels;
    size_t frames;
    size_t block;
    size_t stage_count;
    char kinds[MAX_STAGES][64];
    mm_settings *settings[MAX_STAGES];
} vector_case;

static float *read_f32(const char *dir, const char *name, const char *suffix, size_t count) {
    char path[1024];
    FILE *f;
    float *data = alloc_floats(count);
    size_t got;
    snprintf(path, sizeof path, "%s/%s%s", dir, name, suffix);
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        free(data);
        return NULL;
    }
    got = fread(data, sizeof(float), count, f);
    fclose(f);
    if (got != count) {
        fprintf(stderr, "%s: %zu floats, expected %zu\n", path, got, count);
        free(data);
        return NULL;
    }
    return data;
}

/* Runs a case through a chain (or, with `single`, its one stage as a processor) in blocks of
 * `block` frames, planar or interleaved; returns the planar output. */
static float *render_case(const vector_case *vc, const float *input, int interleaved, int single) {
    mm_chain *chain = NULL;
    mm_processor *proc = NULL;
    size_t i, c, off;
    size_t total = vc->channels * vc->frames;
    float *out = alloc_floats(total);
    float *tmp = alloc_floats(total);
    memcpy(out, input, total * sizeof(float));
    if (single) {
        EXPECT_OK(mm_processor_create_with(vc->kinds[0], vc->settings[0], &proc));
        EXPECT_OK(mm_processor_prepare(proc, vc->rate, vc->block, vc->channels));
    } else {
        EXPECT_OK(mm_chain_create(&chain));
        for (i = 0; i < vc->stage_count; i++) {
            mm_processor *p = NULL;
            EXPECT_OK(mm_processor_create_with(vc->kinds[i], vc->settings[i], &p));
            EXPECT_OK(mm_chain_push(chain, p));
        }
        EXPECT_OK(mm_chain_prepare(chain, vc->rate, vc->block, vc->channels));
    }
    if (interleaved) {
        to_interleaved(out, tmp, vc->channels, vc->frames);
    }
    for (off = 0; off < vc->frames; off += vc->block) {
        size_t n = vc->frames - off < vc->block ? vc->frames - off : vc->block;
        int32_t st;
        if (interleaved) {
            float *at = tmp + off * vc->channels;
            st = single ? mm_processor_process_interleaved(proc, at, vc->channels, n)
                        : mm_chain_process_interleaved(chain, at, vc->channels, n);
        } else {
            float *ptrs[MAXCH];
            for (c = 0; c < vc->channels; c++) {
                ptrs[c] = out + c * vc->frames + off;
            }
            st = single ? mm_processor_process(proc, ptrs, vc->channels, n)
                        : mm_chain_process(chain, ptrs, vc->channels, n);
        }
        if (st != MM_OK) {
            EXPECT_OK(st);
            break;
        }
    }
    if (interleaved) {
        to_planar(tmp, out, vc->channels, vc->frames);
    }
    free(tmp);
    mm_processor_destroy(proc);
    mm_chain_destroy(chain);
    return out;
}

static int compare(const char *what, const vector_case *vc, const float *got, const float *want,
                   int bitwise) {
    size_t i, total = vc->channels * vc->frames;
    double worst = 0;
    if (bitwise) {
        if (memcmp(got, want, total * sizeof(float)) == 0) {
            return 1;
        }
    }
    for (i = 0; i < total; i++) {
        double d = fabs((double)got[i] - (double)want[i]) / fmax(1.0, fabs((double)want[i]));
        if (!(d <= worst)) {
            worst = d;
        }
    }
    if (!bitwise && worst <= 1e-5) {
        return 1;
    }
    fprintf(stderr, "FAIL vector %s (%s): outputs differ (largest relative difference %g)\n",
            vc->name, what, worst);
    return 0;
}

static void run_vector(const char *dir, vector_case *vc, int *cases) {
    size_t total = vc->channels * vc->frames;
    float *input = read_f32(dir, vc->name, ".in.f32", total);
    float *want = read_f32(dir, vc->name, ".out.f32", total);
    int bitwise = mm_cpu_has_avx2_fma();
    size_t i;
    CHECK(input != NULL && want != NULL);
    if (input != NULL && want != NULL) {
        float *planar = render_case(vc, input, 0, 0);
        float *inter = render_case(vc, input, 1, 0);
        CHECK(compare("chain, planar", vc, planar, want, bitwise));
        /* Interleaved processing gives the planar output exactly, on any CPU. */
        CHECK(compare("chain, interleaved vs planar", vc, inter, planar, 1));
        if (vc->stage_count == 1) {
            float *single = render_case(vc, input, 0, 1);
            CHECK(compare("processor, planar", vc, single, want, bitwise));
            free(single);
            single = render_case(vc, input, 1, 1);
            CHECK(compare("processor, interleaved", vc, single, want, bitwise));
            free(single);
        }
        free(planar);
        free(inter);
        (*cases)++;
    }
    free(input);
    free(want);
    for (i = 0; i < vc->stage_count; i++) {
        mm_settings_destroy(vc->settings[i]);
        vc->settings[i] = NULL;
    }
    vc->stage_count = 0;
}

static void test_vectors(const char *dir) {
    char path[1024];
    char line[512];
    FILE *f;
    vector_case vc;
    mm_settings *item = NULL;
    char item_list[64] = "";
    int cases = 0;
    int in_case = 0;

    memset(&vc, 0, sizeof vc);
    snprintf(path, sizeof path, "%s/cases.txt", dir);
    f = fopen(path, "r");
    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char word[64];
        char name[128];
        char value[128];
        mm_settings *target;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0' || sscanf(line, "%63s", word) != 1) {
            continue;
        }
        /* A list item ends at the first line that is not one of its fields. */
        if (item != NULL && (word[0] != 'i' || strcmp(word, "item") == 0)) {
            EXPECT_OK(mm_settings_add_item(vc.settings[vc.stage_count - 1], item_list, item));
            mm_settings_destroy(item);
            item = NULL;
        }
        if (strcmp(word, "case") == 0) {
            memset(&vc, 0, sizeof vc);
            CHECK(sscanf(line, "case %63s %lf %zu %zu %zu", vc.name, &vc.rate, &vc.channels,
                         &vc.frames, &vc.block) == 5);
            in_case = 1;
        } else if (strcmp(word, "stage") == 0) {
            CHECK(in_case && vc.stage_count < MAX_STAGES);
            CHECK(sscanf(line, "stage %63s", vc.kinds[vc.stage_count]) == 1);
            EXPECT_OK(mm_settings_create(&vc.settings[vc.stage_count]));
            vc.stage_count++;
        } else if (strcmp(word, "item") == 0) {
            CHECK(sscanf(line, "item %63s", item_list) == 1);
            EXPECT_OK(mm_settings_create(&item));
        } else if (strcmp(word, "end") == 0) {
            run_vector(dir, &vc, &cases);
            in_case = 0;
        } else if (sscanf(line, "%63s %127s %127s", word, name, value) == 3 && vc.stage_count > 0) {
            const char *type = word;
            target = vc.settings[vc.stage_count - 1];
            if (word[0] == 'i') {
                CHECK(item != NULL);
                target = item;
                type = word + 1;
            }
            if (strcmp(type, "number") == 0) {
                EXPECT_OK(mm_settings_set_number(target, name, strtod(value, NULL)));
            } else if (strcmp(type, "bool") == 0) {
                EXPECT_OK(mm_settings_set_bool(target, name, strcmp(value, "0") != 0));
            } else if (strcmp(type, "text") == 0) {
                EXPECT_OK(mm_settings_set_text(target, name, value));
            } else {
                fprintf(stderr, "cases.txt: unknown line: %s\n", line);
                CHECK(!"a known line");
            }
        } else {
            fprintf(stderr, "cases.txt: unknown line: %s\n", line);
            CHECK(!"a known line");
        }
    }
    fclose(f);
    mm_settings_destroy(item);
    CHECK(cases >= 14);
    printf("  %d test vectors match the core %s, planar and interleaved\n", cases,
           mm_cpu_has_avx2_fma() ? "bit for bit" : "within 1e-5");
}

/* ---- the loudness meter against libebur128 --------------------------------------------- */

/* Largest differences from libebur128, over the comparisons the test asserts ([0]) and over
 * every signal ([1]): integrated, momentary, short-term, range, sample peak, true peak. */
static double g_diff[2][6];
/* Largest loudness-range difference from libebur128 at its 1 s cadence. */
static double g_lra_compat;

/* Whether to run libebur128, and the length of the meter's signals in seconds (--quick). */
static int g_reference = 1;
static double g_seconds = 6.0;

static void note_diff(int measure, int asserted, double ours, double theirs) {
    double d = (isinf(ours) && isinf(theirs) && ours == theirs) ? 0.0 : fabs(ours - theirs);
    int k;
    for (k = asserted ? 0 : 1; k < 2; k++) {
        if (!(d <= g_diff[k][measure])) {
            g_diff[k][measure] = d;
        }
    }
}

static double db(double linear) {
    return 20.0 * log10(linear);
}

/* Flags of a signal: which comparisons hold by design. */
#define STATIONARY 1   /* loudness steady: the loudness range does not depend on the hop */
#define BANDLIMITED 2  /* tones well below Nyquist (true peaks agree on every signal now) */

/* Measures `planar` (channels x frames) with mm_meter (planar, in blocks of 1000 frames; and
 * interleaved, in blocks of 777) and with libebur128 (interleaved, exact mode), and compares.
 * Integrated, momentary and short-term loudness and sample peaks must agree everywhere; the
 * loudness range on stationary signals (libebur128 takes a short-term block every second for
 * it, the core every 100 ms: on changing material they differ by design); true peaks on every
 * signal, noise included (the standard reading is libebur128's interpolator), within 0.01 dB. */
static void compare_meter(const char *what, int flags, double rate, int32_t layout,
                          const float *planar, size_t channels, size_t frames) {
    mm_meter *m = NULL;
    mm_meter *mi = NULL;
    mm_meter *mc = NULL;
    double compat_lra = 0;
    ebur128_state *st;
    float *inter = alloc_floats(channels * frames);
    size_t c, off;
    double ours[6], theirs[6], other[6];
    const double tol[6] = {0.01, 0.01, 0.01, 0.01, 0.05, 0.01};
    int asserted[6];
    int mode = EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_S | EBUR128_MODE_SAMPLE_PEAK |
               EBUR128_MODE_TRUE_PEAK;
    asserted[0] = asserted[1] = asserted[2] = asserted[4] = 1;
    asserted[3] = (flags & STATIONARY) != 0;
    asserted[5] = 1;
    to_interleaved(planar, inter, channels, frames);

    EXPECT_OK(mm_meter_create(rate, layout, &m));
    EXPECT_OK(mm_meter_create(rate, layout, &mi));
    EXPECT_OK(mm_meter_create(rate, layout, &mc));
    /* libebur128's 1 s cadence for the loudness range: equal to its range on any signal. */
    EXPECT_OK(mm_meter_set_loudness_range_hop(mc, 1.0));
    for (off = 0; off < frames; off += 1000) {
        const float *ptrs[MAXCH];
        size_t n = frames - off < 1000 ? frames - off : 1000;
        for (c = 0; c < channels; c++) {
            ptrs[c] = planar + c * frames + off;
        }
        EXPECT_OK(mm_meter_add_planar(m, ptrs, channels, n));
        EXPECT_OK(mm_meter_add_planar(mc, ptrs, channels, n));
    }
    for (off = 0; off < frames; off += 777) {
        size_t n = frames - off < 777 ? frames - off : 777;
        EXPECT_OK(mm_meter_add_interleaved(mi, inter + off * channels, channels, n));
    }

    if (!g_reference) {
        EXPECT_OK(mm_meter_integrated(m, &ours[0]));
        EXPECT_OK(mm_meter_integrated(mi, &other[0]));
        CHECK(near(ours[0], other[0], 1e-9));
        mm_meter_destroy(m);
        mm_meter_destroy(mi);
        mm_meter_destroy(mc);
        free(inter);
        return;
    }
    st = ebur128_init((unsigned)channels, (unsigned long)rate, mode);
    CHECK(st != NULL);
    if (channels == 8) {
        /* 7.1: L R C LFE Lss Rss Lrs Rrs, every surround weighted 1.41. */
        ebur128_set_channel(st, 3, EBUR128_UNUSED);
        ebur128_set_channel(st, 4, EBUR128_LEFT_SURROUND);
        ebur128_set_channel(st, 5, EBUR128_RIGHT_SURROUND);
        ebur128_set_channel(st, 6, EBUR128_LEFT_SURROUND);
        ebur128_set_channel(st, 7, EBUR128_RIGHT_SURROUND);
    }
    CHECK(ebur128_add_frames_float(st, inter, frames) == EBUR128_SUCCESS);
    ebur128_loudness_global(st, &theirs[0]);
    ebur128_loudness_momentary(st, &theirs[1]);
    ebur128_loudness_shortterm(st, &theirs[2]);
    ebur128_loudness_range(st, &theirs[3]);
    EXPECT_OK(mm_meter_loudness_range(mc, &compat_lra));
    CHECK(near(compat_lra, theirs[3], 0.01));
    if (!(fabs(compat_lra - theirs[3]) <= g_lra_compat)) {
        g_lra_compat = fabs(compat_lra - theirs[3]);
    }
    mm_meter_destroy(mc);
    theirs[4] = -HUGE_VAL;
    theirs[5] = -HUGE_VAL;
    for (c = 0; c < channels; c++) {
        double sp, tp, our_sp, our_tp;
        ebur128_sample_peak(st, (unsigned)c, &sp);
        ebur128_true_peak(st, (unsigned)c, &tp);
        EXPECT_OK(mm_meter_sample_peak(m, c, &our_sp));
        EXPECT_OK(mm_meter_true_peak(m, c, &our_tp));
        note_diff(4, asserted[4], our_sp, db(sp));
        note_diff(5, asserted[5], our_tp, db(tp));
        if (asserted[5]) {
            CHECK(near(our_tp, db(tp), tol[5]));
        }
        CHECK(near(our_sp, db(sp), tol[4]));
        theirs[4] = fmax(theirs[4], db(sp));
        theirs[5] = fmax(theirs[5], db(tp));
    }
    ebur128_destroy(&st);

    EXPECT_OK(mm_meter_integrated(m, &ours[0]));
    EXPECT_OK(mm_meter_momentary(m, &ours[1]));
    EXPECT_OK(mm_meter_short_term(m, &ours[2]));
    EXPECT_OK(mm_meter_loudness_range(m, &ours[3]));
    EXPECT_OK(mm_meter_sample_peak_max(m, &ours[4]));
    EXPECT_OK(mm_meter_true_peak_max(m, &ours[5]));
    EXPECT_OK(mm_meter_integrated(mi, &other[0]));
    EXPECT_OK(mm_meter_momentary(mi, &other[1]));
    EXPECT_OK(mm_meter_short_term(mi, &other[2]));
    EXPECT_OK(mm_meter_loudness_range(mi, &other[3]));
    EXPECT_OK(mm_meter_sample_peak_max(mi, &other[4]));
    EXPECT_OK(mm_meter_true_peak_max(mi, &other[5]));
    for (c = 0; c < 6; c++) {
        /* Interleaved in other blocks equals planar but for float rounding: the core's meter
         * adds the energy of a 5 ms quantum in one partial sum per call. */
        CHECK(near(ours[c], other[c], 1e-9));
        if (c < 4) {
            note_diff((int)c, asserted[c], ours[c], theirs[c]);
        }
        if (asserted[c]) {
            CHECK(near(ours[c], theirs[c], tol[c]));
        }
    }
    printf("  %-24s I %7.3f/%7.3f  M %7.3f/%7.3f  S %7.3f/%7.3f  LRA %6.3f/%6.3f%s"
           "  TP %7.3f/%7.3f%s\n",
           what, ours[0], theirs[0], ours[1], theirs[1], ours[2], theirs[2], ours[3], theirs[3],
           asserted[3] ? " " : "*", ours[5], theirs[5], asserted[5] ? " " : "*");
    mm_meter_destroy(m);
    mm_meter_destroy(mi);
    free(inter);
}

static void test_meter_vs_libebur128(void) {
    size_t f, c, frames;
    float *x;
    double rate = 48000.0;

    memset(g_diff, 0, sizeof g_diff);
    if (g_reference) {
        printf("  mm_meter / libebur128 (LUFS, LU, dBTP; * not asserted, see test_api.c):\n");
    }

    /* A 997 Hz sine at -20 dBFS, stereo. */
    frames = (size_t)(48000 * g_seconds);
    x = alloc_floats(2 * frames);
    for (f = 0; f < frames; f++) {
        x[f] = 0.1f * (float)sin(2 * PI * 997.0 * (double)f / rate);
        x[frames + f] = 0.1f * (float)sin(2 * PI * 997.0 * (double)f / rate + 0.7);
    }
    compare_meter("sine, stereo", STATIONARY | BANDLIMITED, rate, MM_LAYOUT_STEREO, x, 2, frames);
    free(x);

    /* White noise, stereo. */
    x = alloc_floats(2 * frames);
    for (f = 0; f < 2 * frames; f++) {
        x[f] = 0.3f * noise();
    }
    compare_meter("noise, stereo", STATIONARY, rate, MM_LAYOUT_STEREO, x, 2, frames);
    free(x);

    /* A quiet/loud programme: quiet noise, a loud tone over noise, then a middle level. */
    frames = (size_t)(48000 * 2 * g_seconds);
    x = alloc_floats(2 * frames);
    for (f = 0; f < frames; f++) {
        double t = (double)f / rate;
        float v;
        if (t < g_seconds * 2 / 3) {
            v = 0.01f * noise();
        } else if (t < g_seconds * 4 / 3) {
            v = 0.5f * (float)sin(2 * PI * 220.0 * t) + 0.1f * noise();
        } else {
            v = 0.05f * noise();
        }
        x[f] = v;
        x[frames + f] = 0.8f * v;
    }
    compare_meter("quiet/loud programme", 0, rate, MM_LAYOUT_STEREO, x, 2, frames);
    free(x);

    /* 5.1 tones, a different one on every channel (the loud LFE is left out). */
    frames = (size_t)(48000 * g_seconds);
    x = alloc_floats(6 * frames);
    for (c = 0; c < 6; c++) {
        float g = c == 3 ? 0.9f : 0.05f * (float)(c + 1);
        for (f = 0; f < frames; f++) {
            x[c * frames + f] = g * (float)sin(2 * PI * (200.0 + 450.0 * (double)c) * (double)f / rate);
        }
    }
    compare_meter("tones, 5.1", STATIONARY | BANDLIMITED, rate, MM_LAYOUT_SURROUND_5_1, x, 6, frames);
    free(x);

    /* 5.1 noise. */
    x = alloc_floats(6 * frames);
    for (c = 0; c < 6; c++) {
        float g = c == 3 ? 0.9f : 0.05f * (float)(c + 1);
        for (f = 0; f < frames; f++) {
            x[c * frames + f] = g * noise();
        }
    }
    compare_meter("noise, 5.1", STATIONARY, rate, MM_LAYOUT_SURROUND_5_1, x, 6, frames);
    free(x);

    /* 7.1 noise. */
    x = alloc_floats(8 * frames);
    for (c = 0; c < 8; c++) {
        for (f = 0; f < frames; f++) {
            x[c * frames + f] = 0.02f * (float)(c + 1) * noise();
        }
    }
    compare_meter("noise, 7.1", STATIONARY, rate, MM_LAYOUT_SURROUND_7_1, x, 8, frames);
    free(x);

    /* Mono at 44.1 kHz: a tone rising by 12 dB. */
    rate = 44100.0;
    frames = (size_t)(44100 * g_seconds);
    x = alloc_floats(frames);
    for (f = 0; f < frames; f++) {
        double t = (double)f / rate;
        x[f] = (float)(0.1 * pow(10.0, t / g_seconds * 12.0 / 20.0) * sin(2 * PI * 441.0 * t));
    }
    compare_meter("rising tone, mono 44.1k", BANDLIMITED, rate, MM_LAYOUT_MONO, x, 1, frames);
    free(x);

    if (!g_reference) {
        printf("  (--quick: the meter measured short signals, without libebur128)\n");
        return;
    }
    printf("  meter vs libebur128, largest |difference| where asserted (everywhere): integrated "
           "%.4f (%.4f) LU, momentary %.4f (%.4f) LU, short-term %.4f (%.4f) LU, range %.4f "
           "(%.4f) LU, sample peak %.4f (%.4f) dB, true peak %.4f (%.4f) dB\n",
           g_diff[0][0], g_diff[1][0], g_diff[0][1], g_diff[1][1], g_diff[0][2], g_diff[1][2],
           g_diff[0][3], g_diff[1][3], g_diff[0][4], g_diff[1][4], g_diff[0][5], g_diff[1][5]);
    printf("  loudness range at libebur128's 1 s cadence (mm_meter_set_loudness_range_hop 1.0): "
           "largest |difference| %.4f LU on every signal\n",
           g_lra_compat);
}

/* ---- the meter's own calls and checks -------------------------------------------------- */

static void test_meter_api(void) {
    mm_meter *m = NULL;
    double w[3] = {1.0, 1.0, 1.41};
    double bad_w[2] = {1.0, 11.0};
    float a[4800];
    float b[4800];
    float c3[4800];
    const float *ch[3];
    float inter[3 * 100];
    size_t n = 0;
    uint64_t count = 0;
    double v = 0;
    int i;

    for (i = 0; i < 4800; i++) {
        a[i] = 0.2f * noise();
        b[i] = 0.2f * noise();
        c3[i] = 0.2f * noise();
    }
    ch[0] = a;
    ch[1] = b;
    ch[2] = c3;
    EXPECT_ERR(mm_meter_create(48000.0, 7, &m), MM_ERROR_ARGUMENT, "`layout` = 7 is not a layout");
    CHECK(m == NULL);
    EXPECT_ERR(mm_meter_create(1000.0, MM_LAYOUT_STEREO, &m), MM_ERROR_RANGE, "`sample_rate` = 1000");
    EXPECT_ERR(mm_meter_create(48000.0, MM_LAYOUT_STEREO, NULL), MM_ERROR_NULL, "out_meter");
    EXPECT_ERR(mm_meter_create_weighted(48000.0, NULL, 2, &m), MM_ERROR_NULL, "weights");
    EXPECT_ERR(mm_meter_create_weighted(48000.0, bad_w, 2, &m), MM_ERROR_RANGE, "`channel_weight` = 11");
    EXPECT_ERR(mm_meter_create_weighted(48000.0, w, 0, &m), MM_ERROR_CHANNELS, "channel_count");
    EXPECT_ERR(mm_meter_create_weighted(48000.0, w, 3, NULL), MM_ERROR_NULL, "out_meter");
    EXPECT_OK(mm_meter_create_weighted(48000.0, w, 3, &m));
    EXPECT_OK(mm_meter_channels(m, &n));
    CHECK(n == 3);
    EXPECT_OK(mm_meter_integrated(m, &v));
    CHECK(isinf(v) && v < 0); /* nothing measured: -inf, never NaN */
    for (i = 0; i < 5; i++) {
        EXPECT_OK(mm_meter_add_planar(m, ch, 3, 4800));
    }
    EXPECT_ERR(mm_meter_add_planar(m, ch, 2, 4800), MM_ERROR_CHANNELS, "prepared for 3");
    EXPECT_ERR(mm_meter_add_planar(m, NULL, 3, 4800), MM_ERROR_NULL, "channels");
    EXPECT_ERR(mm_meter_add_planar(NULL, ch, 3, 4800), MM_ERROR_NULL, "meter");
    to_interleaved(a, inter, 3, 100);
    EXPECT_OK(mm_meter_add_interleaved(m, inter, 3, 100));
    EXPECT_ERR(mm_meter_add_interleaved(m, inter, 2, 100), MM_ERROR_CHANNELS, "prepared for 3");
    EXPECT_ERR(mm_meter_add_interleaved(m, NULL, 3, 100), MM_ERROR_NULL, "samples");
    EXPECT_OK(mm_meter_frames(m, &count));
    CHECK(count == 24100);
    inter[5] = NAN;
    inter[6] = INFINITY;
    EXPECT_OK(mm_meter_add_interleaved(m, inter, 3, 100));
    EXPECT_OK(mm_meter_non_finite_samples(m, &count));
    CHECK(count == 2);
    EXPECT_OK(mm_meter_momentary(m, &v));
    CHECK(isfinite(v));
    EXPECT_OK(mm_meter_max_momentary(m, &v));
    CHECK(isfinite(v));
    EXPECT_OK(mm_meter_short_term(m, &v));
    EXPECT_OK(mm_meter_max_short_term(m, &v));
    EXPECT_OK(mm_meter_loudness_range(m, &v));
    EXPECT_OK(mm_meter_sample_peak(m, 2, &v));
    CHECK(v < 0 && v > -20);
    EXPECT_ERR(mm_meter_sample_peak(m, 3, &v), MM_ERROR_INDEX, "no channel 3: there are 3");
    EXPECT_ERR(mm_meter_true_peak(m, 3, &v), MM_ERROR_INDEX, "no channel 3");
    EXPECT_ERR(mm_meter_true_peak(m, 0, NULL), MM_ERROR_NULL, "out_value");
    EXPECT_ERR(mm_meter_integrated(NULL, &v), MM_ERROR_NULL, "meter");
    EXPECT_ERR(mm_meter_frames(m, NULL), MM_ERROR_NULL, "out_frames");
    EXPECT_ERR(mm_meter_non_finite_samples(m, NULL), MM_ERROR_NULL, "out_count");
    EXPECT_ERR(mm_meter_channels(m, NULL), MM_ERROR_NULL, "out_count");
    EXPECT_OK(mm_meter_reset(m));
    EXPECT_OK(mm_meter_frames(m, &count));
    CHECK(count == 0);
    EXPECT_OK(mm_meter_true_peak_max(m, &v));
    CHECK(isinf(v) && v < 0);
    EXPECT_ERR(mm_meter_reset(NULL), MM_ERROR_NULL, "meter");
    mm_meter_destroy(m);
    mm_meter_destroy(NULL);
}

/* ---- normalization --------------------------------------------------------------------- */

static void test_normalize(void) {
    size_t frames = (size_t)(48000 * (g_reference ? 4 : 1)), f;
    float *x = alloc_floats(2 * frames);
    float *orig = alloc_floats(2 * frames);
    float *ch[2];
    const float *cch[2];
    mm_normalize_report r;
    mm_meter *m = NULL;
    double v = 0;
    uint64_t count = 0;

    for (f = 0; f < frames; f++) {
        double t = (double)f / 48000.0;
        x[f] = 0.03f * (float)sin(2 * PI * 300.0 * t) + 0.01f * noise();
        x[frames + f] = 0.03f * (float)sin(2 * PI * 500.0 * t) + 0.01f * noise();
    }
    memcpy(orig, x, 2 * frames * sizeof(float));
    ch[0] = x;
    ch[1] = x + frames;
    cch[0] = x;
    cch[1] = x + frames;
    memset(&r, 0, sizeof r);
    EXPECT_OK(mm_normalize(48000.0, MM_LAYOUT_STEREO, ch, 2, frames, "spotify", &r));
    CHECK(r.target_lufs == -14.0 && r.ceiling_dbtp == -1.0);
    CHECK(r.reached && near(r.after.integrated_lufs, -14.0, 0.1));
    CHECK(r.before.integrated_lufs < -25.0 && r.gain_db > 10.0);
    CHECK(r.after.true_peak_dbtp <= -1.0 + 0.05);
    /* The output measures as reported. */
    EXPECT_OK(mm_meter_create(48000.0, MM_LAYOUT_STEREO, &m));
    EXPECT_OK(mm_meter_add_planar(m, cch, 2, frames));
    EXPECT_OK(mm_meter_integrated(m, &v));
    CHECK(near(v, r.after.integrated_lufs, 1e-9));
    /* The report's after true peak is the precise reading (16x reconstruction). */
    CHECK(r.ceiling_kept);
    EXPECT_OK(mm_meter_set_true_peak_mode(m, MM_TRUE_PEAK_PRECISE));
    EXPECT_OK(mm_meter_frames(m, &count));
    CHECK(count == 0); /* switching forgets what was measured */
    EXPECT_OK(mm_meter_add_planar(m, cch, 2, frames));
    EXPECT_OK(mm_meter_true_peak_max(m, &v));
    CHECK(near(v, r.after.true_peak_dbtp, 1e-6));
    EXPECT_OK(mm_meter_set_true_peak_mode(m, MM_TRUE_PEAK_STANDARD));
    EXPECT_ERR(mm_meter_set_true_peak_mode(m, 7), MM_ERROR_ARGUMENT, "MM_TRUE_PEAK_PRECISE");
    EXPECT_ERR(mm_meter_set_true_peak_mode(NULL, 1), MM_ERROR_NULL, "meter");
    EXPECT_ERR(mm_meter_set_loudness_range_hop(m, 0.05), MM_ERROR_RANGE, "hop_s");
    EXPECT_ERR(mm_meter_set_loudness_range_hop(m, 0.15), MM_ERROR_RANGE, "tenths");
    EXPECT_ERR(mm_meter_set_loudness_range_hop(m, NAN), MM_ERROR_RANGE, "hop_s");
    EXPECT_ERR(mm_meter_set_loudness_range_hop(NULL, 1.0), MM_ERROR_NULL, "meter");
    EXPECT_OK(mm_meter_set_loudness_range_hop(m, 0.1));
    mm_meter_destroy(m);

    memcpy(x, orig, 2 * frames * sizeof(float));
    EXPECT_OK(mm_normalize_to(48000.0, MM_LAYOUT_STEREO, ch, 2, frames, -23.0, -2.0, &r));
    CHECK(r.reached && near(r.after.integrated_lufs, -23.0, 0.1) && r.ceiling_dbtp == -2.0);
    EXPECT_OK(mm_normalize_to(48000.0, MM_LAYOUT_STEREO, ch, 2, frames, -20.0, -1.0, NULL));

    memcpy(x, orig, 2 * frames * sizeof(float));
    EXPECT_ERR(mm_normalize(48000.0, MM_LAYOUT_STEREO, ch, 2, frames, "spotfy", &r),
               MM_ERROR_UNKNOWN_NAME, "unknown preset `spotfy` (known: spotify, apple-music");
    EXPECT_ERR(mm_normalize(48000.0, MM_LAYOUT_STEREO, ch, 2, frames, NULL, &r), MM_ERROR_NULL, "preset");
    EXPECT_ERR(mm_normalize(48000.0, MM_LAYOUT_SURROUND_5_1, ch, 2, frames, "spotify", &r),
               MM_ERROR_CHANNELS, "prepared for 6");
    EXPECT_ERR(mm_normalize(48000.0, 0, ch, 2, frames, "spotify", &r), MM_ERROR_ARGUMENT, "layout");
    EXPECT_ERR(mm_normalize(48000.0, MM_LAYOUT_STEREO, NULL, 2, frames, "spotify", &r), MM_ERROR_NULL,
               "channels");
    EXPECT_ERR(mm_normalize_to(48000.0, MM_LAYOUT_STEREO, ch, 2, frames, -50.0, -1.0, &r),
               MM_ERROR_RANGE, "`target_lufs` = -50");
    EXPECT_ERR(mm_normalize_to(48000.0, MM_LAYOUT_STEREO, ch, 2, frames, -14.0, 1.0, &r),
               MM_ERROR_RANGE, "`ceiling_dbtp` = 1");
    EXPECT_ERR(mm_normalize_to(48000.0, MM_LAYOUT_STEREO, ch, 2, 0, -14.0, -1.0, &r),
               MM_ERROR_ARGUMENT, "programme is empty");
    CHECK(memcmp(x, orig, 2 * frames * sizeof(float)) == 0); /* untouched on error */
    memset(x, 0, 2 * frames * sizeof(float));
    EXPECT_ERR(mm_normalize(48000.0, MM_LAYOUT_STEREO, ch, 2, frames, "spotify", &r),
               MM_ERROR_ARGUMENT, "silent");
    free(x);
    free(orig);
}

/* ---- sessions -------------------------------------------------------------------------- */

static const char *SESSION_TOML =
    "sample_rate = 48000\n"
    "\n"
    "[[track]]\n"
    "name = \"drums\"\n"
    "gain_db = -3.0\n"
    "[[track.insert]]\n"
    "type = \"compressor\"\n"
    "threshold_db = -20.0\n"
    "detector = \"rms\"\n"
    "\n"
    "[[track]]\n"
    "name = \"pad\"\n"
    "pan = -0.5\n"
    "[[track.insert]]\n"
    "type = \"eq\"\n"
    "bands = [{ kind = \"high_pass\", frequency_hz = 80.0 }]\n"
    "\n"
    "[master]\n"
    "[[master.insert]]\n"
    "type = \"limiter\"\n"
    "ceiling_dbtp = -1.0\n"
    "[master.normalize]\n"
    "preset = \"ebu-r128\"\n";

static void test_session(void) {
    mm_session *s = NULL;
    mm_session *again = NULL;
    mm_mix *mix = NULL;
    mm_track tracks[2];
    mm_render_options opts = mm_render_options_default();
    size_t frames = 48000, f, n = 0, needed = 0;
    float *drums = alloc_floats(frames);
    float *pad_l = alloc_floats(frames);
    float *pad_r = alloc_floats(frames);
    const float *drum_ch[1];
    const float *pad_ch[2];
    const float *three_ch[3];
    float *left = NULL;
    float *right = NULL;
    float inter[8];
    char *text;
    char *text2;
    char name[16];
    uint32_t rate = 0;
    bool has = false;
    double lufs = 0, ceiling = 0;

    CHECK(opts.pad == false && opts.max_tail_s == 10.0);
    for (f = 0; f < frames; f++) {
        double t = (double)f / 48000.0;
        drums[f] = (f % 12000) < 2000 ? 0.8f * noise() : 0.0f;
        pad_l[f] = 0.2f * (float)sin(2 * PI * 220.0 * t);
        pad_r[f] = 0.2f * (float)sin(2 * PI * 330.0 * t);
    }
    drum_ch[0] = drums;
    pad_ch[0] = pad_l;
    pad_ch[1] = pad_r;
    three_ch[0] = pad_l;
    three_ch[1] = pad_r;
    three_ch[2] = drums;
    tracks[0].channels = drum_ch;
    tracks[0].channel_count = 1;
    tracks[0].frames = frames;
    tracks[1].channels = pad_ch;
    tracks[1].channel_count = 2;
    tracks[1].frames = frames;

    EXPECT_OK(mm_session_from_toml(SESSION_TOML, &s));
    EXPECT_OK(mm_session_track_count(s, &n));
    CHECK(n == 2);
    EXPECT_OK(mm_session_track_name(s, 1, name, sizeof name, &needed));
    CHECK(strcmp(name, "pad") == 0 && needed == 4);
    EXPECT_ERR(mm_session_track_name(s, 2, name, sizeof name, NULL), MM_ERROR_INDEX, "no track 2");
    EXPECT_OK(mm_session_sample_rate(s, &rate));
    CHECK(rate == 48000);
    EXPECT_OK(mm_session_target(s, &has, &lufs, &ceiling));
    CHECK(has && lufs == -23.0 && ceiling == -1.0);
    EXPECT_OK(mm_session_target(s, &has, NULL, NULL));

    /* TOML out, and back in to an equal session. */
    EXPECT_OK(mm_session_to_toml(s, NULL, 0, &needed));
    CHECK(needed > 100);
    text = (char *)malloc(needed);
    text2 = (char *)malloc(needed);
    EXPECT_OK(mm_session_to_toml(s, text, needed, NULL));
    CHECK(strlen(text) + 1 == needed);
    EXPECT_ERR(mm_session_to_toml(s, text2, 10, NULL), MM_ERROR_BUFFER_TOO_SMALL, "buffer holds 10");
    CHECK(strlen(text2) == 9);
    EXPECT_OK(mm_session_from_toml(text, &again));
    EXPECT_OK(mm_session_to_toml(again, text2, needed, NULL));
    CHECK(strcmp(text, text2) == 0);
    mm_session_destroy(again);
    free(text);
    free(text2);

    /* Render. */
    EXPECT_OK(mm_session_render(s, 48000, tracks, 2, NULL, &mix));
    EXPECT_OK(mm_mix_frames(mix, &n));
    CHECK(n >= frames);
    EXPECT_OK(mm_mix_sample_rate(mix, &rate));
    CHECK(rate == 48000);
    EXPECT_OK(mm_mix_channel(mix, 0, &left));
    EXPECT_OK(mm_mix_channel(mix, 1, &right));
    CHECK(left != NULL && right != NULL);
    EXPECT_OK(mm_mix_read_interleaved(mix, 1000, inter, 4));
    CHECK(inter[0] == left[1000] && inter[1] == right[1000] && inter[7] == right[1003]);
    EXPECT_ERR(mm_mix_read_interleaved(mix, n - 1, inter, 4), MM_ERROR_RANGE, "past the end of the mix");
    EXPECT_ERR(mm_mix_read_interleaved(mix, 0, NULL, 4), MM_ERROR_NULL, "samples");
    EXPECT_ERR(mm_mix_channel(mix, 2, &left), MM_ERROR_INDEX, "no channel 2");
    EXPECT_ERR(mm_mix_channel(mix, 0, NULL), MM_ERROR_NULL, "out_samples");
    EXPECT_ERR(mm_mix_frames(NULL, &n), MM_ERROR_NULL, "mix");
    EXPECT_ERR(mm_mix_sample_rate(mix, NULL), MM_ERROR_NULL, "out_rate");
    {
        /* The mix masters in place to the session's target. */
        float *lr[2];
        mm_normalize_report r;
        EXPECT_OK(mm_mix_channel(mix, 0, &lr[0]));
        EXPECT_OK(mm_mix_channel(mix, 1, &lr[1]));
        EXPECT_OK(mm_normalize_to(48000.0, MM_LAYOUT_STEREO, lr, 2, n, lufs, ceiling, &r));
        CHECK(r.reached);
    }
    mm_mix_destroy(mix);
    mix = NULL;

    /* Render errors name the problem. */
    EXPECT_ERR(mm_session_render(s, 48000, tracks, 1, NULL, &mix), MM_ERROR_SESSION,
               "the session has 2 tracks but audio was given for 1");
    CHECK(mix == NULL);
    EXPECT_ERR(mm_session_render(s, 44100, tracks, 2, NULL, &mix), MM_ERROR_SESSION,
               "sample_rate is 48000 Hz");
    tracks[1].frames = frames / 2;
    EXPECT_ERR(mm_session_render(s, 48000, tracks, 2, NULL, &mix), MM_ERROR_SESSION,
               "track `pad` is 0.500 s long but `drums` is 1.000 s");
    opts.pad = true;
    opts.max_tail_s = 0.5;
    EXPECT_OK(mm_session_render(s, 48000, tracks, 2, &opts, &mix));
    mm_mix_destroy(mix);
    mix = NULL;
    tracks[1].channels = three_ch;
    tracks[1].channel_count = 3;
    EXPECT_ERR(mm_session_render(s, 48000, tracks, 2, NULL, &mix), MM_ERROR_ARGUMENT,
               "tracks[1]: a track has 1 or 2 channels, not 3");
    tracks[1].channels = pad_ch;
    tracks[1].channel_count = 2;
    pad_ch[1] = NULL;
    EXPECT_ERR(mm_session_render(s, 48000, tracks, 2, NULL, &mix), MM_ERROR_NULL,
               "tracks[1]: argument `channels[1]` is NULL");
    EXPECT_ERR(mm_session_render(s, 48000, NULL, 2, NULL, &mix), MM_ERROR_NULL, "tracks");
    EXPECT_ERR(mm_session_render(s, 48000, tracks, 2, NULL, NULL), MM_ERROR_NULL, "out_mix");
    EXPECT_ERR(mm_session_render(NULL, 48000, tracks, 2, NULL, &mix), MM_ERROR_NULL, "session");

    /* Reading errors give the line and column. */
    EXPECT_ERR(mm_session_from_toml("[[track]]\nname = \"a\"\ngian_db = 1.0\n", &again),
               MM_ERROR_SESSION, "3:1: unknown field `gian_db`");
    CHECK(again == NULL);
    /* Settings are checked when the mixer is built: the error names the track and insert. */
    EXPECT_OK(mm_session_from_toml(
        "[[track]]\nname = \"a\"\n[[track.insert]]\ntype = \"compressor\"\nratio = 0.5\n", &again));
    EXPECT_ERR(mm_session_render(again, 48000, tracks, 1, NULL, &mix), MM_ERROR_SESSION,
               "insert 0 (compressor): parameter `ratio` = 0.5 is out of range: allowed [1, 100]");
    mm_session_destroy(again);
    again = NULL;
    EXPECT_ERR(mm_session_from_toml(NULL, &again), MM_ERROR_NULL, "toml_text");
    EXPECT_ERR(mm_session_from_toml("", NULL), MM_ERROR_NULL, "out_session");
    EXPECT_ERR(mm_session_track_count(s, NULL), MM_ERROR_NULL, "out_count");
    EXPECT_ERR(mm_session_sample_rate(NULL, &rate), MM_ERROR_NULL, "session");
    EXPECT_ERR(mm_session_target(s, NULL, &lufs, &ceiling), MM_ERROR_NULL, "out_has_target");
    EXPECT_ERR(mm_session_to_toml(NULL, NULL, 0, NULL), MM_ERROR_NULL, "session");
    EXPECT_OK(mm_session_from_toml("", &again));
    EXPECT_OK(mm_session_target(again, &has, &lufs, &ceiling));
    CHECK(!has);
    EXPECT_OK(mm_session_sample_rate(again, &rate));
    CHECK(rate == 0);
    mm_session_destroy(again);
    mm_session_destroy(s);
    mm_session_destroy(NULL);
    mm_mix_destroy(NULL);
    free(drums);
    free(pad_l);
    free(pad_r);
}

/* The convolution reverb's response through mm_processor_load_audio: an impulse at 0 on the
 * left, -0.5 at 1,500 frames (past the direct head) on the right; no latency. */
static void test_load_audio(void) {
    mm_processor *p = NULL;
    EXPECT_OK(mm_processor_create("convolution_reverb", &p));
    EXPECT_OK(mm_processor_set_param_by_name(p, "mix", 1.0));
    static float l[2000], r[2000];
    l[0] = 1.0f;
    r[1500] = -0.5f;
    const float *ir[2] = {l, r};
    EXPECT_OK(mm_processor_load_audio(p, "ir", ir, 2, 2000, 48000.0, "hall.wav"));
    EXPECT_OK(mm_processor_prepare(p, 48000.0, 512, 2));
    size_t lat = 99;
    EXPECT_OK(mm_processor_latency(p, &lat));
    CHECK(lat == 0);
    static float xl[4096], xr[4096];
    xl[10] = 1.0f;
    xr[20] = 1.0f;
    float *chans[2] = {xl, xr};
    EXPECT_OK(mm_processor_process(p, chans, 2, 4096));
    CHECK(fabsf(xl[10] - 1.0f) < 1e-6f && fabsf(xl[11]) < 1e-6f);
    CHECK(fabsf(xr[1520] + 0.5f) < 1e-6f && fabsf(xr[20]) < 1e-6f);
    static float m[2000];
    const float *three[3] = {l, r, m};
    EXPECT_ERR(mm_processor_load_audio(p, "ir", three, 3, 2000, 48000.0, NULL), MM_ERROR_ARGUMENT,
               "3 channels");
    EXPECT_ERR(mm_processor_load_audio(p, "impulse", ir, 2, 2000, 48000.0, NULL),
               MM_ERROR_UNKNOWN_NAME, "impulse");
    EXPECT_ERR(mm_processor_load_audio(NULL, "ir", ir, 2, 2000, 48000.0, NULL), MM_ERROR_NULL,
               "`processor`");
    EXPECT_ERR(mm_processor_load_audio(p, "ir", NULL, 2, 2000, 48000.0, NULL), MM_ERROR_NULL,
               NULL);
    mm_processor_destroy(p);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[2], "--quick") == 0) {
        g_reference = 0;
        g_seconds = 1.0;
    } else if (argc != 2) {
        fprintf(stderr, "usage: %s VECTORS_DIR [--quick]\n", argv[0]);
        return 2;
    }
    test_version_and_status();
    test_catalog();
    test_settings();
    test_processor();
    test_chain();
    test_vectors(argv[1]);
    test_meter_api();
    test_meter_vs_libebur128();
    test_normalize();
    test_session();
    test_load_audio();
    printf("C API: %d checks passed, %d failed\n", g_pass, g_fail);
    return g_fail == 0 ? 0 : 1;
}
