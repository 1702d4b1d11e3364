/*
 * A game's master bus with mixmaster: the engine hands the audio callback interleaved stereo
 * float blocks of varying size (here 256 and 512 frames); the bus runs them through an
 * equalizer, a compressor and a true-peak limiter, meters the result (EBU R128), and changes
 * parameters between blocks: the compressor clamps down while dialogue plays, and the player
 * lowers the output ceiling from the options menu halfway through.
 *
 * Everything that allocates (creating, preparing) happens before the "audio thread" loop; the
 * loop calls only real-time-safe functions, with parameter indices from the header
 * (MM_COMPRESSOR_THRESHOLD_DB ...), so no string lookups run per block.
 *
 * Build: make (pkg-config), or cmake; see the Makefile and CMakeLists.txt beside this file.
 * Exit status 0 when the output stayed under the limiter's ceiling and nothing failed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <mixmaster.h>

#define RATE 48000.0
#define MAX_BLOCK 512
#define SECONDS 20

/* Stage indices in the chain. */
enum { STAGE_EQ = 0, STAGE_COMPRESSOR = 1, STAGE_LIMITER = 2 };

static int fail(const char *what, int32_t status) {
    fprintf(stderr, "%s: %s (%s)\n", what, mm_status_string(status), mm_last_error_message());
    return 1;
}

#define TRY(call)                                                                                  \
    do {                                                                                           \
        int32_t st_ = (call);                                                                      \
        if (st_ != MM_OK) {                                                                        \
            return fail(#call, st_);                                                               \
        }                                                                                          \
    } while (0)

static unsigned g_seed = 1;

static float noise(void) {
    g_seed = g_seed * 1664525u + 1013904223u;
    return (float)((double)(g_seed >> 8) / 8388608.0 - 1.0);
}

/* The game's audio for frame `n`: a music bed, explosions every few seconds, and dialogue
 * (a voice-like buzz) from 6 s to 12 s. Writes the left and right samples. */
static void game_audio(long n, int *dialogue, float *left, float *right) {
    double t = (double)n / RATE;
    double music = 0.12 * sin(2 * 3.14159265 * 110.0 * t) + 0.08 * sin(2 * 3.14159265 * 164.8 * t) +
                   0.06 * sin(2 * 3.14159265 * 220.0 * t + 0.5);
    double since_boom = fmod(t, 3.7);
    double boom = since_boom < 1.0 ? 0.9 * exp(-5.0 * since_boom) * noise() : 0.0;
    double voice = 0.0;
    *dialogue = t >= 6.0 && t < 12.0;
    if (*dialogue) {
        double syllable = 0.5 + 0.5 * sin(2 * 3.14159265 * 4.0 * t);
        voice = 0.35 * syllable * sin(2 * 3.14159265 * 180.0 * t) * (1.0 + 0.3 * noise());
    }
    *left = (float)(music + boom + voice);
    *right = (float)(0.9 * music + 0.8 * boom + voice);
}

int main(void) {
    mm_settings *eq_settings = NULL;
    mm_settings *band = NULL;
    mm_settings *comp_settings = NULL;
    mm_settings *lim_settings = NULL;
    mm_processor *stage = NULL;
    mm_chain *bus = NULL;
    mm_meter *meter = NULL;
    static float block[MAX_BLOCK * 2];
    long frame = 0, total = (long)(RATE * SECONDS);
    int blocks = 0, was_dialogue = 0;
    double ceiling = -1.0, integrated, range, true_peak, max_short;
    size_t latency;

    if (mm_version_number() != MM_VERSION_NUMBER) {
        fprintf(stderr, "header %s but library %s\n", MM_VERSION_STRING, mm_version());
        return 1;
    }

    /* Set-up (allocates): an equalizer with two bands, a compressor, a limiter. */
    TRY(mm_settings_create(&eq_settings));
    TRY(mm_settings_create(&band));
    TRY(mm_settings_set_text(band, "kind", "high_pass"));
    TRY(mm_settings_set_number(band, "frequency_hz", 30.0));
    TRY(mm_settings_add_item(eq_settings, "bands", band));
    TRY(mm_settings_set_text(band, "kind", "peaking"));
    TRY(mm_settings_set_number(band, "frequency_hz", 2500.0));
    TRY(mm_settings_set_number(band, "q", 1.2));
    TRY(mm_settings_set_number(band, "gain_db", 2.0));
    TRY(mm_settings_add_item(eq_settings, "bands", band));
    TRY(mm_settings_create(&comp_settings));
    TRY(mm_settings_set_text(comp_settings, "detector", "rms"));
    TRY(mm_settings_set_number(comp_settings, "threshold_db", -18.0));
    TRY(mm_settings_set_number(comp_settings, "ratio", 3.0));
    TRY(mm_settings_set_number(comp_settings, "attack_ms", 10.0));
    TRY(mm_settings_set_number(comp_settings, "release_ms", 150.0));
    TRY(mm_settings_create(&lim_settings));
    TRY(mm_settings_set_number(lim_settings, "lookahead_ms", 3.0));
    TRY(mm_settings_set_number(lim_settings, "ceiling_dbtp", ceiling));

    TRY(mm_chain_create(&bus));
    TRY(mm_processor_create_with("equalizer", eq_settings, &stage));
    TRY(mm_chain_push(bus, stage)); /* the chain owns the stage now */
    TRY(mm_processor_create_with("compressor", comp_settings, &stage));
    TRY(mm_chain_push(bus, stage));
    TRY(mm_processor_create_with("limiter", lim_settings, &stage));
    TRY(mm_chain_push(bus, stage));
    mm_settings_destroy(band);
    mm_settings_destroy(eq_settings);
    mm_settings_destroy(comp_settings);
    mm_settings_destroy(lim_settings);
    TRY(mm_chain_prepare(bus, RATE, MAX_BLOCK, 2));
    TRY(mm_chain_latency(bus, &latency));
    TRY(mm_meter_create(RATE, MM_LAYOUT_STEREO, &meter));
    printf("master bus: equalizer -> compressor -> limiter, latency %zu frames (%.1f ms)\n", latency,
           1000.0 * (double)latency / RATE);

    /* The audio callback, block after block: only real-time-safe calls from here on. */
    while (frame < total) {
        size_t frames = (blocks % 3 == 0) ? 256 : 512, i;
        int dialogue = 0;
        if ((long)frames > total - frame) {
            frames = (size_t)(total - frame);
        }
        for (i = 0; i < frames; i++) {
            game_audio(frame + (long)i, &dialogue, &block[2 * i], &block[2 * i + 1]);
        }
        if (dialogue != was_dialogue) {
            /* Dialogue: compress the bed harder so speech sits on top; restore after. */
            TRY(mm_chain_set_param(bus, STAGE_COMPRESSOR, MM_COMPRESSOR_THRESHOLD_DB,
                                   dialogue ? -28.0 : -18.0));
            TRY(mm_chain_set_param(bus, STAGE_COMPRESSOR, MM_COMPRESSOR_MAKEUP_DB,
                                   dialogue ? 4.0 : 0.0));
            was_dialogue = dialogue;
        }
        if (frame >= total / 2 && ceiling > -3.0) {
            /* The player turns the "max output" option down. */
            ceiling = -3.0;
            TRY(mm_chain_set_param(bus, STAGE_LIMITER, MM_LIMITER_CEILING_DBTP, ceiling));
        }
        TRY(mm_chain_process_interleaved(bus, block, 2, frames));
        TRY(mm_meter_add_interleaved(meter, block, 2, frames));
        frame += (long)frames;
        blocks++;
        if (frame % (long)(5 * RATE) < (long)frames) {
            double m, s;
            TRY(mm_meter_momentary(meter, &m));
            TRY(mm_meter_short_term(meter, &s));
            printf("  %5.1f s: momentary %6.1f LUFS, short-term %6.1f LUFS\n", (double)frame / RATE, m,
                   s);
        }
    }

    TRY(mm_meter_integrated(meter, &integrated));
    TRY(mm_meter_loudness_range(meter, &range));
    TRY(mm_meter_true_peak_max(meter, &true_peak));
    TRY(mm_meter_max_short_term(meter, &max_short));
    printf("%d blocks of 256 and 512 frames; integrated %.1f LUFS, range %.1f LU, max short-term "
           "%.1f LUFS, true peak %.2f dBTP\n",
           blocks, integrated, range, max_short, true_peak);

    mm_meter_destroy(meter);
    mm_chain_destroy(bus);
    if (true_peak > -1.0 + 0.1) {
        fprintf(stderr, "the output went over the limiter's ceiling\n");
        return 1;
    }
    return 0;
}
