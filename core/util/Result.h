#pragma once

#include "util/ApiError.h"

#include <optional>
#include <utility>
#include <variant>

namespace kinbot {

// An expected-style result: either a value or a typed ApiError. Services return these; the HTTP layer maps errors.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(const T &value) : m_v(std::in_place_index<0>, value) {}
    Result(T &&value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(const ApiError &error) : m_v(std::in_place_index<1>, error) {}
    Result(ApiError &&error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<0>(m_v); }
    T &value() & { return std::get<0>(m_v); }
    // By value: a reference into a temporary Result would dangle (e.g. `for (auto &x : f().value())`).
    T value() && { return std::get<0>(std::move(m_v)); }
    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }
    const ApiError &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, ApiError> m_v;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(const ApiError &error) : m_error(error) {}
    Result(ApiError &&error) : m_error(std::move(error)) {}

    static Result success() { return {}; }
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const ApiError &error() const { return *m_error; }

private:
    std::optional<ApiError> m_error;
};

using Status = Result<void>;

} // namespace kinbot
