// Fusion for the dark look, with check boxes and radio buttons that show:
// Fusion draws their frame a shade darker than the window, which on a dark
// window is near-black on near-black (the "Ask about unlisted" box could
// not be seen). A frame in the palette's Light colour sets them apart.
#pragma once

#include <QProxyStyle>

namespace paddock::ui {

class DarkContrastStyle : public QProxyStyle {
public:
    explicit DarkContrastStyle(QStyle *fusion) : QProxyStyle(fusion) {}

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget = nullptr) const override;
};

} // namespace paddock::ui
