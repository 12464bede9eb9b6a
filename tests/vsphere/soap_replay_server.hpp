// A loopback HTTP server that answers SOAP calls from recorded responses,
// chosen by the call's method, in the order they were queued: for what
// vcsim cannot be made to do (page a RetrievePropertiesEx answer). It keeps
// each request's method and body for the test to check. A method with no
// answer left gets HTTP 500 and a SOAP fault, so a call the test did not
// expect fails loudly.
#pragma once

#include <doctest/doctest.h>

#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "loopback_listener.hpp"

namespace hvctl::vsphere::test {

class SoapReplayServer {
public:
  struct Call {
    std::string method, body;
  };

  SoapReplayServer() { thread_ = std::thread([this] { accept_loop(); }); }
  // Destroy it after its clients: a connection they keep open holds it.
  ~SoapReplayServer() {
    shutdown(listener_.fd, SHUT_RDWR);  // ends accept()
    thread_.join();
    for (auto& t : connections_) t.join();
  }
  SoapReplayServer(const SoapReplayServer&) = delete;
  SoapReplayServer& operator=(const SoapReplayServer&) = delete;

  std::string sdk() const { return "http://127.0.0.1:" + std::to_string(listener_.port) + "/sdk"; }

  // The next call of `method` gets this envelope (HTTP 200, or 500 for a fault).
  void answer(const std::string& method, std::string envelope, int status = 200) {
    std::lock_guard lock(m_);
    answers_[method].emplace_back(status, std::move(envelope));
  }

  std::vector<Call> calls() {
    std::lock_guard lock(m_);
    return calls_;
  }

private:
  static std::string method_of(const std::string& body) {
    const auto at = body.find("Body>");
    if (at == std::string::npos) return "";
    const auto start = body.find('<', at) + 1;
    const auto end = body.find_first_of(" >/", start);
    std::string name = body.substr(start, end - start);
    if (const auto colon = name.find(':'); colon != std::string::npos) name = name.substr(colon + 1);
    return name;
  }

  std::pair<int, std::string> next_answer(const std::string& method) {
    std::lock_guard lock(m_);
    auto& queue = answers_[method];
    if (queue.empty())
      return {500, "<?xml version=\"1.0\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                   "<soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>the replay has no "
                   "answer for " + method + "</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"};
    auto a = std::move(queue.front());
    queue.pop_front();
    return a;
  }

  // One request from `pending` (topped up from the socket); false when the peer closed.
  static bool read_request(int c, std::string& pending, std::string& body) {
    char buf[65536];
    for (;;) {
      const auto head_end = pending.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::size_t length = 0;
        std::istringstream head(pending.substr(0, head_end));
        for (std::string line; std::getline(head, line);)
          if (line.size() > 15 && strncasecmp(line.c_str(), "content-length:", 15) == 0)
            length = std::stoul(line.substr(15));
        if (pending.size() >= head_end + 4 + length) {
          body = pending.substr(head_end + 4, length);
          pending.erase(0, head_end + 4 + length);
          return true;
        }
      }
      const ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) return false;
      pending.append(buf, static_cast<std::size_t>(n));
    }
  }

  void serve(int c) {
    std::string pending, body;
    while (read_request(c, pending, body)) {
      const std::string method = method_of(body);
      {
        std::lock_guard lock(m_);
        calls_.push_back({method, body});
      }
      const auto [status, envelope] = next_answer(method);
      std::string reply = "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Internal Server Error") +
                          "\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: " +
                          std::to_string(envelope.size()) + "\r\n";
      if (method == "Login") reply += "Set-Cookie: vmware_soap_session=\"replay-session\"; Path=/; HttpOnly\r\n";
      reply += "\r\n" + envelope;
      for (std::size_t at = 0; at < reply.size();) {
        const ssize_t n = send(c, reply.data() + at, reply.size() - at, MSG_NOSIGNAL);
        if (n <= 0) return;
        at += static_cast<std::size_t>(n);
      }
    }
  }

  void accept_loop() {
    for (;;) {
      const int c = accept(listener_.fd, nullptr, nullptr);
      if (c < 0) return;
      connections_.emplace_back([this, c] {
        serve(c);
        close(c);
      });
    }
  }

  LoopbackListener listener_{8};
  std::thread thread_;
  std::vector<std::thread> connections_;  // one per connection (curl keeps them alive)
  std::mutex m_;
  std::map<std::string, std::deque<std::pair<int, std::string>>> answers_;
  std::vector<Call> calls_;
};

}  // namespace hvctl::vsphere::test
