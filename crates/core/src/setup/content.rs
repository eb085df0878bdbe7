//! Content: the system instruction and its parts.

wire_enum! {
    /// The language of executable code.
    pub enum Language {
        /// Not specified.
        Unspecified = "LANGUAGE_UNSPECIFIED",
        /// Python.
        Python = "PYTHON",
    }
}

wire_enum! {
    /// The outcome of running code.
    pub enum Outcome {
        /// Not specified.
        Unspecified = "OUTCOME_UNSPECIFIED",
        /// It ran.
        Ok = "OUTCOME_OK",
        /// It failed.
        Failed = "OUTCOME_FAILED",
        /// It ran out of time.
        DeadlineExceeded = "OUTCOME_DEADLINE_EXCEEDED",
    }
}

wire_enum! {
    /// When the model acts on a function response.
    pub enum Scheduling {
        /// Not specified.
        Unspecified = "SCHEDULING_UNSPECIFIED",
        /// Add it to the context without interrupting.
        Silent = "SILENT",
        /// Act on it when the model is idle.
        WhenIdle = "WHEN_IDLE",
        /// Interrupt the model to act on it.
        Interrupt = "INTERRUPT",
    }
}

message! {
    /// Inline bytes.
    pub struct Blob {
        /// MIME type of the data.
        mime_type: String,
        /// The data, base64.
        data: String,
        /// A name to show.
        display_name: String,
    }
}

message! {
    /// A reference to a file.
    pub struct FileData {
        /// The file's URI.
        file_uri: String,
        /// MIME type of the file.
        mime_type: String,
        /// A name to show.
        display_name: String,
    }
}

message! {
    /// A call of a function the model asked for.
    pub struct FunctionCall {
        /// The call's id.
        id: String,
        /// The function's name.
        name: String,
        /// The arguments: user data, sent as given.
        args: serde_json::Value,
    }
}

message! {
    /// The result of a function call.
    pub struct FunctionResponse {
        /// The id of the call this answers.
        id: String,
        /// The function's name.
        name: String,
        /// The result: user data, sent as given.
        response: serde_json::Value,
        /// Whether more responses to the same call follow.
        will_continue: bool,
        /// When the model acts on it.
        scheduling: Scheduling,
    }
}

message! {
    /// Code the model wrote.
    pub struct ExecutableCode {
        /// The code.
        code: String,
        /// Its language.
        language: Language,
        /// Its id.
        id: String,
    }
}

message! {
    /// The result of running code.
    pub struct CodeExecutionResult {
        /// How it ended.
        outcome: Outcome,
        /// What it printed.
        output: String,
        /// The id of the code it ran.
        id: String,
    }
}

message! {
    /// Which part of a video to look at.
    pub struct VideoMetadata {
        /// Where to start, as a protobuf duration such as `1.5s`.
        start_offset: String,
        /// Where to end.
        end_offset: String,
        /// Frames per second to sample.
        fps: f64,
    }
}

message! {
    /// One part of a content: text, data or a function call or response.
    pub struct Part {
        /// Text.
        text: String,
        /// Inline bytes.
        inline_data: Blob,
        /// A file reference.
        file_data: FileData,
        /// A function call.
        function_call: FunctionCall,
        /// A function response.
        function_response: FunctionResponse,
        /// Code the model wrote.
        executable_code: ExecutableCode,
        /// The result of running code.
        code_execution_result: CodeExecutionResult,
        /// Whether this part is a thought.
        thought: bool,
        /// An opaque signature of a thought, base64.
        thought_signature: String,
        /// Which part of a video to look at.
        video_metadata: VideoMetadata,
    }
}

impl From<&str> for Part {
    fn from(text: &str) -> Self {
        Self::new().text(text)
    }
}

impl From<String> for Part {
    fn from(text: String) -> Self {
        Self::new().text(text)
    }
}

message! {
    /// A content: parts and the role that speaks them. The system instruction is one.
    ///
    /// Text, a part or a list of parts convert into a content with the role `user`,
    /// as the official SDKs do with a string system instruction.
    pub struct Content {
        /// The parts, in order.
        parts: Vec<Part>,
        /// Who speaks: `user`, `model`, or absent.
        role: String,
    }
}

impl From<Vec<Part>> for Content {
    fn from(parts: Vec<Part>) -> Self {
        Self::new().parts(parts).role("user")
    }
}

impl From<Part> for Content {
    fn from(part: Part) -> Self {
        Self::from(vec![part])
    }
}

impl From<&str> for Content {
    fn from(text: &str) -> Self {
        Self::from(Part::from(text))
    }
}

impl From<String> for Content {
    fn from(text: String) -> Self {
        Self::from(Part::from(text))
    }
}
