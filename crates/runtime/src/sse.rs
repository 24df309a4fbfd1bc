//! Server-sent events (`text/event-stream`): the typed [`Event`] both sides share, the
//! server's [`EventStream`] (answered with axum's SSE, keep-alive on) and the client's
//! [`Events`] (a `Stream` of decoded events that reconnects with `Last-Event-ID`).
//!
//! On the wire an event's `data` is its payload as one line of JSON; `id`, `event` and
//! `retry` are the SSE fields of the same names. Failures before the stream starts are
//! answered in the response style like any other; once events flow, the status is sent and
//! the stream can only end: cleanly (the feed is over) or by dropping the connection (the
//! client reconnects and resumes after the last id it received).
//!
//! This module never names the crate it is compiled in (only `super::`), so its source can
//! be copied verbatim into a generated crate as well as used from `apigen-runtime`.

use std::time::Duration;

/// One server-sent event: its payload (`data`) and the optional SSE fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event<T> {
    /// The payload, sent as JSON on the event's `data` line.
    pub data: T,
    /// The event id (`id:`): what a reconnecting client sends back as `Last-Event-ID`.
    pub id: Option<String>,
    /// The event type (`event:`); `None` is the default type, `message`.
    pub event: Option<String>,
    /// How long a client should wait before reconnecting (`retry:`).
    pub retry: Option<Duration>,
}

impl<T> Event<T> {
    /// An event carrying `data`, without id, type or retry.
    pub fn new(data: T) -> Self {
        Event {
            data,
            id: None,
            event: None,
            retry: None,
        }
    }

    /// Sets [`Event::id`]. An id with a line break or NUL cannot be written: the server
    /// ends the stream at such an event.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets [`Event::event`]. A type with a line break cannot be written: the server ends
    /// the stream at such an event.
    pub fn event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(event.into());
        self
    }

    /// Sets [`Event::retry`].
    pub fn retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self
    }
}

#[cfg(feature = "server")]
pub use self::server::EventStream;

#[cfg(feature = "server")]
mod server {
    use std::pin::Pin;
    use std::time::Duration;

    use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
    use axum::response::{IntoResponse, Response};
    use axum::BoxError;
    use futures_util::{Stream, StreamExt};
    use serde::Serialize;

    use super::Event;

    /// How often an idle stream sends a keep-alive comment unless
    /// [`EventStream::keep_alive`] says otherwise: 15 s.
    pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(15);

    type Events<T> = Pin<Box<dyn Stream<Item = Result<Event<T>, BoxError>> + Send>>;

    /// What an operation answering `text/event-stream` returns: a stream of typed events,
    /// sent as they come, with a keep-alive comment while the stream is idle.
    ///
    /// The stream ending ends the response cleanly: the client's stream ends too. An error
    /// from a stream made with [`EventStream::try_new`] (or an event that cannot be
    /// written) drops the connection instead, and the client reconnects with the last id it
    /// received as `Last-Event-ID`.
    pub struct EventStream<T> {
        events: Events<T>,
        keep_alive: Duration,
    }

    impl<T> std::fmt::Debug for EventStream<T> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("EventStream")
                .field("keep_alive", &self.keep_alive)
                .finish_non_exhaustive()
        }
    }

    impl<T: Send + 'static> EventStream<T> {
        /// The events of `events`, in order, until it ends.
        pub fn new<S>(events: S) -> Self
        where
            S: Stream<Item = Event<T>> + Send + 'static,
        {
            Self::from_results(events.map(Ok))
        }

        /// The events of `events` until it ends or yields an error; an error drops the
        /// connection (the client reconnects with `Last-Event-ID`).
        pub fn try_new<S, E>(events: S) -> Self
        where
            S: Stream<Item = Result<Event<T>, E>> + Send + 'static,
            E: Into<BoxError>,
        {
            Self::from_results(events.map(|event| event.map_err(Into::into)))
        }

        fn from_results<S>(events: S) -> Self
        where
            S: Stream<Item = Result<Event<T>, BoxError>> + Send + 'static,
        {
            EventStream {
                events: Box::pin(events),
                keep_alive: DEFAULT_KEEP_ALIVE,
            }
        }

        /// Sets how often an idle stream sends a keep-alive comment (default 15 s).
        pub fn keep_alive(mut self, interval: Duration) -> Self {
            self.keep_alive = interval;
            self
        }
    }

    impl<T: Serialize + Send + 'static> IntoResponse for EventStream<T> {
        fn into_response(self) -> Response {
            let events = self
                .events
                .map(|event| event.and_then(|event| to_sse(&event)));
            Sse::new(events)
                .keep_alive(KeepAlive::new().interval(self.keep_alive))
                .into_response()
        }
    }

    /// The wire form of an event; an error when a field cannot be written (axum would
    /// panic on a line break in `id` or `event`).
    fn to_sse<T: Serialize>(event: &Event<T>) -> Result<SseEvent, BoxError> {
        let mut sse = SseEvent::default().json_data(&event.data)?;
        if let Some(id) = &event.id {
            if id.contains(['\n', '\r', '\0']) {
                return Err("an event id holds a line break or NUL".into());
            }
            sse = sse.id(id);
        }
        if let Some(name) = &event.event {
            if name.contains(['\n', '\r']) {
                return Err("an event type holds a line break".into());
            }
            sse = sse.event(name);
        }
        if let Some(retry) = event.retry {
            sse = sse.retry(retry);
        }
        Ok(sse)
    }
}

#[cfg(feature = "client")]
pub use self::client::{Events, ReconnectPolicy};

#[cfg(feature = "client")]
mod client {
    use std::future::Future;
    use std::marker::PhantomData;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{ready, Context, Poll};
    use std::time::Duration;

    use eventsource_stream::{EventStreamError, Eventsource};
    use futures_util::Stream;
    use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
    use reqwest::{Method, StatusCode, Url};
    use serde::de::DeserializeOwned;

    use super::super::client::{
        Answer, ClientStyle, Core, DecodeError, Error, Payload, REQUEST_ID_HEADER,
    };
    use super::Event;

    /// How an event stream reconnects after its connection drops: at most
    /// [`ReconnectPolicy::max_attempts`] attempts in a row without an event in between,
    /// the first after the server's `retry:` (else [`ReconnectPolicy::base_delay`]), each
    /// next one after twice the wait before, never longer than
    /// [`ReconnectPolicy::max_delay`].
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ReconnectPolicy {
        /// Reconnection attempts in a row (without an event received in between) before the
        /// stream gives up and yields the error; `0` never reconnects.
        pub max_attempts: u32,
        /// The first wait when the server has sent no `retry:`.
        pub base_delay: Duration,
        /// The longest wait before an attempt (a longer `retry:` is cut to it).
        pub max_delay: Duration,
    }

    impl Default for ReconnectPolicy {
        /// 5 attempts, 1 s apart at first, at most 30 s.
        fn default() -> Self {
            ReconnectPolicy::attempts(5)
        }
    }

    impl ReconnectPolicy {
        /// Up to `attempts` reconnections in a row, 1 s apart at first, at most 30 s.
        pub fn attempts(attempts: u32) -> Self {
            ReconnectPolicy {
                max_attempts: attempts,
                base_delay: Duration::from_secs(1),
                max_delay: Duration::from_secs(30),
            }
        }

        /// Never reconnect: a dropped connection ends the stream with its error.
        pub fn never() -> Self {
            ReconnectPolicy::attempts(0)
        }

        /// Sets [`ReconnectPolicy::base_delay`].
        pub fn base_delay(mut self, delay: Duration) -> Self {
            self.base_delay = delay;
            self
        }

        /// Sets [`ReconnectPolicy::max_delay`].
        pub fn max_delay(mut self, delay: Duration) -> Self {
            self.max_delay = delay;
            self
        }

        /// The wait before attempt `attempt` (1 for the first), given the server's `retry:`.
        fn delay(&self, retry: Option<Duration>, attempt: u32) -> Duration {
            let factor = 1u32
                .checked_shl(attempt.saturating_sub(1))
                .unwrap_or(u32::MAX);
            retry
                .unwrap_or(self.base_delay)
                .saturating_mul(factor)
                .min(self.max_delay)
        }
    }

    type Connecting = Pin<Box<dyn Future<Output = Result<reqwest::Response, Error>> + Send>>;
    type Connect = Arc<dyn Fn(Option<String>) -> Connecting + Send + Sync>;
    type Wire = Pin<
        Box<
            dyn Stream<Item = Result<eventsource_stream::Event, EventStreamError<reqwest::Error>>>
                + Send,
        >,
    >;

    enum State {
        Reading(Wire),
        Waiting(Pin<Box<tokio::time::Sleep>>),
        Connecting(Connecting),
        Done,
    }

    /// The events of a `text/event-stream` response, decoded, as a `Stream`.
    ///
    /// When the connection drops (a transport error mid-stream, or one while reconnecting),
    /// the stream reconnects as the client's [`ReconnectPolicy`] says, sending the last id
    /// received as `Last-Event-ID`, and goes on with the events after it. It ends when the
    /// server ends the response (or answers a reconnection with `204 No Content`); an error
    /// answer to a reconnection, or a dropped connection once the attempts are spent, is
    /// yielded and ends it. An event whose data does not decode is yielded as an
    /// [`Error::Decode`] and the stream goes on.
    pub struct Events<T> {
        connect: Connect,
        state: State,
        policy: ReconnectPolicy,
        last_event_id: Option<String>,
        retry: Option<Duration>,
        /// Reconnection attempts since the last event.
        attempts: u32,
        status: StatusCode,
        headers: HeaderMap,
        data: PhantomData<fn() -> T>,
    }

    impl<T> std::fmt::Debug for Events<T> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Events")
                .field("last_event_id", &self.last_event_id)
                .field("retry", &self.retry)
                .field("attempts", &self.attempts)
                .field("status", &self.status)
                .finish_non_exhaustive()
        }
    }

    impl<T> Events<T> {
        /// The id of the last event received (what a reconnection sends as `Last-Event-ID`).
        pub fn last_event_id(&self) -> Option<&str> {
            self.last_event_id.as_deref()
        }

        /// The headers of the response the events are read from (the latest connection's).
        pub fn headers(&self) -> &HeaderMap {
            &self.headers
        }

        /// The server's request id of the latest connection (`X-Request-Id`).
        pub fn request_id(&self) -> Option<&str> {
            self.headers
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
        }

        /// Reads the events of a connected response, or explains why it has none.
        fn read(&mut self, response: reqwest::Response) -> Result<(), Error> {
            self.status = response.status();
            self.headers = response.headers().clone();
            let media = self
                .headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let essence = media.split(';').next().unwrap_or_default().trim();
            if !essence.eq_ignore_ascii_case("text/event-stream") {
                return Err(self.decode_error(
                    String::new(),
                    format!("the response is `{media}`, not `text/event-stream`"),
                ));
            }
            self.state = State::Reading(Box::pin(response.bytes_stream().eventsource()));
            Ok(())
        }

        fn decode_error(&self, excerpt: String, reason: String) -> Error {
            Error::Decode(Box::new(DecodeError {
                status: self.status,
                headers: self.headers.clone(),
                excerpt,
                reason,
            }))
        }

        /// After a dropped connection: waits to reconnect, or gives up with `error` when
        /// the attempts are spent.
        fn reconnect_or(&mut self, error: Error) -> Option<Error> {
            self.attempts = self.attempts.saturating_add(1);
            if self.attempts > self.policy.max_attempts {
                self.state = State::Done;
                return Some(error);
            }
            let wait = self.policy.delay(self.retry, self.attempts);
            self.state = State::Waiting(Box::pin(tokio::time::sleep(wait)));
            None
        }
    }

    impl<T: DeserializeOwned> Events<T> {
        fn decode(&self, event: eventsource_stream::Event) -> Result<Event<T>, Error> {
            let data = serde_json::from_str(&event.data).or_else(|error| {
                // A payload that is not JSON is text: it decodes as a JSON string would.
                serde_json::from_value(serde_json::Value::String(event.data.clone())).map_err(
                    |_| self.decode_error(excerpt(&event.data), format!("event data: {error}")),
                )
            })?;
            Ok(Event {
                data,
                id: Some(event.id).filter(|id| !id.is_empty()),
                event: Some(event.event).filter(|name| !name.is_empty() && name != "message"),
                retry: event.retry,
            })
        }
    }

    /// The start of an undecodable event's data.
    fn excerpt(data: &str) -> String {
        match data.char_indices().nth(512) {
            Some((end, _)) => format!("{}…", &data[..end]),
            None => data.to_string(),
        }
    }

    impl<T: DeserializeOwned> Stream for Events<T> {
        type Item = Result<Event<T>, Error>;

        fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let this = self.get_mut();
            loop {
                match &mut this.state {
                    State::Done => return Poll::Ready(None),
                    State::Reading(wire) => match ready!(wire.as_mut().poll_next(cx)) {
                        Some(Ok(event)) => {
                            this.attempts = 0;
                            if !event.id.is_empty() {
                                this.last_event_id = Some(event.id.clone());
                            }
                            if event.retry.is_some() {
                                this.retry = event.retry;
                            }
                            return Poll::Ready(Some(this.decode(event)));
                        }
                        Some(Err(EventStreamError::Transport(error))) => {
                            if let Some(error) = this.reconnect_or(Error::Transport(error)) {
                                return Poll::Ready(Some(Err(error)));
                            }
                        }
                        Some(Err(EventStreamError::Utf8(error))) => {
                            let error = this.decode_error(String::new(), error.to_string());
                            return Poll::Ready(Some(Err(error)));
                        }
                        Some(Err(EventStreamError::Parser(error))) => {
                            let error = this.decode_error(excerpt(&error.input), error.to_string());
                            return Poll::Ready(Some(Err(error)));
                        }
                        None => {
                            this.state = State::Done;
                            return Poll::Ready(None);
                        }
                    },
                    State::Waiting(sleep) => {
                        ready!(sleep.as_mut().poll(cx));
                        this.state = State::Connecting((this.connect)(this.last_event_id.clone()));
                    }
                    State::Connecting(connecting) => match ready!(connecting.as_mut().poll(cx)) {
                        Ok(response) if response.status() == StatusCode::NO_CONTENT => {
                            this.state = State::Done;
                            return Poll::Ready(None);
                        }
                        Ok(response) => {
                            if let Err(error) = this.read(response) {
                                this.state = State::Done;
                                return Poll::Ready(Some(Err(error)));
                            }
                        }
                        Err(Error::Transport(error)) => {
                            if let Some(error) = this.reconnect_or(Error::Transport(error)) {
                                return Poll::Ready(Some(Err(error)));
                            }
                        }
                        Err(error) => {
                            this.state = State::Done;
                            return Poll::Ready(Some(Err(error)));
                        }
                    },
                }
            }
        }
    }

    /// The `Last-Event-ID` request header.
    const LAST_EVENT_ID: HeaderName = HeaderName::from_static("last-event-id");

    impl<S: ClientStyle> Core<S> {
        /// Opens an event stream: sends the request (retrying as the [`RetryPolicy`] says;
        /// the client's timeout does not apply, the stream being long-lived) and answers
        /// its events, or the style's error when the server refuses before the stream
        /// starts. `headers` may carry a `Last-Event-ID` to resume from; reconnections send
        /// the last id received instead.
        ///
        /// [`RetryPolicy`]: super::super::client::RetryPolicy
        pub async fn events<T>(
            &self,
            method: Method,
            url: Url,
            headers: HeaderMap,
            body: Option<Vec<u8>>,
            security: &'static [&'static [&'static str]],
        ) -> Result<Events<T>, Error> {
            let core = self.clone();
            let request = Arc::new((method, url, headers, body));
            let connect: Connect = Arc::new(move |last_event_id: Option<String>| {
                let core = core.clone();
                let request = request.clone();
                Box::pin(async move {
                    let (method, url, headers, body) = &*request;
                    let mut headers = headers.clone();
                    if let Some(id) = last_event_id {
                        let id = HeaderValue::from_str(&id).map_err(|_| {
                            Error::InvalidRequest(format!(
                                "the event id `{id}` cannot be sent as `Last-Event-ID`"
                            ))
                        })?;
                        headers.insert(LAST_EVENT_ID, id);
                    }
                    let payload = body.clone().map_or(Payload::None, Payload::Json);
                    core.open(
                        method.clone(),
                        url.clone(),
                        headers,
                        payload,
                        "text/event-stream",
                        security,
                        false,
                    )
                    .await
                    .map(Answer::into_response)
                })
            });
            let response = connect(None).await?;
            let mut events = Events {
                connect,
                state: State::Done,
                policy: self.reconnect_policy().clone(),
                last_event_id: None,
                retry: None,
                attempts: 0,
                status: response.status(),
                headers: HeaderMap::new(),
                data: PhantomData,
            };
            if response.status() != StatusCode::NO_CONTENT {
                events.read(response)?;
            }
            Ok(events)
        }
    }
}
