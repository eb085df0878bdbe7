//! Safety settings.

wire_enum! {
    /// A category of harm.
    pub enum HarmCategory {
        /// Not specified.
        Unspecified = "HARM_CATEGORY_UNSPECIFIED",
        /// Harassment.
        Harassment = "HARM_CATEGORY_HARASSMENT",
        /// Hate speech.
        HateSpeech = "HARM_CATEGORY_HATE_SPEECH",
        /// Sexually explicit content.
        SexuallyExplicit = "HARM_CATEGORY_SEXUALLY_EXPLICIT",
        /// Dangerous content.
        DangerousContent = "HARM_CATEGORY_DANGEROUS_CONTENT",
        /// Content that may harm civic integrity.
        CivicIntegrity = "HARM_CATEGORY_CIVIC_INTEGRITY",
        /// Jailbreak attempts.
        Jailbreak = "HARM_CATEGORY_JAILBREAK",
        /// Hateful images.
        ImageHate = "HARM_CATEGORY_IMAGE_HATE",
        /// Dangerous images.
        ImageDangerousContent = "HARM_CATEGORY_IMAGE_DANGEROUS_CONTENT",
        /// Harassing images.
        ImageHarassment = "HARM_CATEGORY_IMAGE_HARASSMENT",
        /// Sexually explicit images.
        ImageSexuallyExplicit = "HARM_CATEGORY_IMAGE_SEXUALLY_EXPLICIT",
    }
}

wire_enum! {
    /// From which probability of harm content is blocked.
    pub enum HarmBlockThreshold {
        /// Not specified.
        Unspecified = "HARM_BLOCK_THRESHOLD_UNSPECIFIED",
        /// Block low probability and above.
        BlockLowAndAbove = "BLOCK_LOW_AND_ABOVE",
        /// Block medium probability and above.
        BlockMediumAndAbove = "BLOCK_MEDIUM_AND_ABOVE",
        /// Block only high probability.
        BlockOnlyHigh = "BLOCK_ONLY_HIGH",
        /// Block nothing.
        BlockNone = "BLOCK_NONE",
        /// Turn the safety filter off.
        Off = "OFF",
    }
}

message! {
    /// One safety setting: a category and its threshold.
    pub struct SafetySetting {
        /// The category.
        category: HarmCategory,
        /// The threshold.
        threshold: HarmBlockThreshold,
    }
}
