//! Tools the model may use during the session.

use std::collections::BTreeMap;

wire_enum! {
    /// How the model calls a function.
    pub enum Behavior {
        /// Not specified (blocking).
        Unspecified = "UNSPECIFIED",
        /// The session waits for the function's response.
        Blocking = "BLOCKING",
        /// The session goes on while the function runs.
        NonBlocking = "NON_BLOCKING",
    }
}

wire_enum! {
    /// When search grounding is used.
    pub enum DynamicRetrievalMode {
        /// Not specified (always).
        Unspecified = "MODE_UNSPECIFIED",
        /// Only when the model predicts it helps.
        Dynamic = "MODE_DYNAMIC",
    }
}

wire_enum! {
    /// The environment a computer-use tool operates.
    pub enum Environment {
        /// Not specified.
        Unspecified = "ENVIRONMENT_UNSPECIFIED",
        /// A web browser.
        Browser = "ENVIRONMENT_BROWSER",
        /// A phone.
        Mobile = "ENVIRONMENT_MOBILE",
        /// A desktop.
        Desktop = "ENVIRONMENT_DESKTOP",
    }
}

wire_enum! {
    /// A safety policy of the computer-use tool.
    pub enum SafetyPolicy {
        /// Not specified.
        Unspecified = "SAFETY_POLICY_UNSPECIFIED",
        /// Financial transactions.
        FinancialTransactions = "FINANCIAL_TRANSACTIONS",
        /// Changes to sensitive data.
        SensitiveDataModification = "SENSITIVE_DATA_MODIFICATION",
        /// Communication tools.
        CommunicationTool = "COMMUNICATION_TOOL",
        /// Creating accounts.
        AccountCreation = "ACCOUNT_CREATION",
        /// Changes to data.
        DataModification = "DATA_MODIFICATION",
        /// Consent management.
        UserConsentManagement = "USER_CONSENT_MANAGEMENT",
        /// Legal terms and agreements.
        LegalTermsAndAgreements = "LEGAL_TERMS_AND_AGREEMENTS",
    }
}

message! {
    /// A function the model may call.
    pub struct FunctionDeclaration {
        /// The function's name.
        name: String,
        /// What it does, for the model.
        description: String,
        /// Its parameters as an OpenAPI schema: user data, sent as given.
        parameters: serde_json::Value,
        /// Its parameters as a JSON Schema: user data, sent as given.
        parameters_json_schema: serde_json::Value,
        /// Its result as an OpenAPI schema: user data, sent as given.
        response: serde_json::Value,
        /// Its result as a JSON Schema: user data, sent as given.
        response_json_schema: serde_json::Value,
        /// Whether the session waits for it.
        behavior: Behavior,
    }
}

message! {
    /// A time range.
    pub struct Interval {
        /// The start, an RFC 3339 timestamp.
        start_time: String,
        /// The end, an RFC 3339 timestamp.
        end_time: String,
    }
}

empty_message! {
    /// Web search.
    pub struct WebSearch;
}

empty_message! {
    /// Image search.
    pub struct ImageSearch;
}

message! {
    /// Which kinds of search to run.
    pub struct SearchTypes {
        /// Web search.
        web_search: WebSearch,
        /// Image search.
        image_search: ImageSearch,
    }
}

message! {
    /// Grounding with Google Search. (`excludeDomains` and `blockingConfidence` are
    /// Vertex AI only and refused.)
    pub struct GoogleSearch {
        /// Which kinds of search to run.
        search_types: SearchTypes,
        /// Only results from this time range.
        time_range_filter: Interval,
    }
}

message! {
    /// When search grounding is used.
    pub struct DynamicRetrievalConfig {
        /// The mode.
        mode: DynamicRetrievalMode,
        /// The threshold above which grounding is used.
        dynamic_threshold: f64,
    }
}

message! {
    /// The older search-grounding tool.
    pub struct GoogleSearchRetrieval {
        /// When grounding is used.
        dynamic_retrieval_config: DynamicRetrievalConfig,
    }
}

empty_message! {
    /// Code execution.
    pub struct CodeExecution;
}

empty_message! {
    /// Reading the URLs given in the conversation.
    pub struct UrlContext;
}

message! {
    /// Grounding with Google Maps. (`groundingTypes` and `authConfig` are Vertex AI
    /// only and refused.)
    pub struct GoogleMaps {
        /// Whether a Maps widget token is returned.
        enable_widget: bool,
    }
}

message! {
    /// Operating a computer.
    pub struct ComputerUse {
        /// The environment.
        environment: Environment,
        /// Predefined functions the model may not use.
        excluded_predefined_functions: Vec<String>,
        /// Whether prompt-injection detection is on.
        enable_prompt_injection_detection: bool,
        /// Safety policies switched off.
        disabled_safety_policies: Vec<SafetyPolicy>,
    }
}

message! {
    /// Retrieval from file-search stores.
    pub struct FileSearch {
        /// The stores' names.
        file_search_store_names: Vec<String>,
        /// How many chunks to retrieve.
        top_k: i32,
        /// A filter on the chunks' metadata.
        metadata_filter: String,
    }
}

message! {
    /// How to reach an MCP server over streamable HTTP.
    pub struct StreamableHttpTransport {
        /// The server's URL.
        url: String,
        /// Headers to send: user data, sent as given.
        headers: BTreeMap<String, String>,
        /// Request timeout, a protobuf duration such as `30s`.
        timeout: String,
        /// Read timeout for server-sent events.
        sse_read_timeout: String,
        /// Whether to close the session when the connection closes.
        terminate_on_close: bool,
    }
}

message! {
    /// A remote MCP server whose tools the model may call.
    pub struct McpServer {
        /// The server's name.
        name: String,
        /// How to reach it.
        streamable_http_transport: StreamableHttpTransport,
    }
}

message! {
    /// One tool. A tool usually holds one kind (functions, search, code execution
    /// ...); tools are sent in the order given and never merged or split.
    pub struct Tool {
        /// Functions the model may call.
        function_declarations: Vec<FunctionDeclaration>,
        /// Grounding with Google Search.
        google_search: GoogleSearch,
        /// The older search-grounding tool.
        google_search_retrieval: GoogleSearchRetrieval,
        /// Code execution.
        code_execution: CodeExecution,
        /// Reading URLs.
        url_context: UrlContext,
        /// Grounding with Google Maps.
        google_maps: GoogleMaps,
        /// Operating a computer.
        computer_use: ComputerUse,
        /// Retrieval from file-search stores.
        file_search: FileSearch,
        /// Remote MCP servers.
        mcp_servers: Vec<McpServer>,
    }
}

impl Tool {
    /// A tool holding one function declaration.
    pub fn function(declaration: FunctionDeclaration) -> Self {
        Self::new().function_declarations(vec![declaration])
    }
}
